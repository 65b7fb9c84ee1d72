import type { WebhookTarget } from '../alerts/alert-options.js';
import { writeOutcomes } from '../alerts/alert-writer.js';
import type { ServingStore } from '../store/serving-store.js';

export interface PipelineAlertOptions {
  readonly cooldownMs: number;
  readonly webhooks: readonly WebhookTarget[];
}

export const FAILED_RULE = 'pipeline_failed';
export const LATE_RULE = 'pipeline_late';

const partitionLabel = (p: string) => (p === '' ? '-' : p);

/**
 * A request that failed after its last retry raises one critical `pipeline_failed` alert through
 * the alert lifecycle (serving.alerts + outbox rows for the webhooks, alert-writer.ts). Its window
 * is the time the request was queued, so the same failure never raises a second alert, and a later
 * failure of the same partition raises a new one.
 */
export async function raiseFailed(
  store: ServingStore,
  o: PipelineAlertOptions,
  f: {
    asset: string;
    partition: string;
    enqueuedAtMs: number;
    attempts: number;
    errorCode: string;
    errorMessage: string;
  },
): Promise<string[]> {
  const result = await writeOutcomes(
    store,
    [
      {
        kind: 'fire',
        alert: {
          rule: FAILED_RULE,
          metric: `job:${f.asset}:${partitionLabel(f.partition)}`,
          windowStartMs: f.enqueuedAtMs,
          severity: 'critical',
          value: f.attempts,
          baseline: null,
          zScore: null,
          message: `${f.asset} [${partitionLabel(f.partition)}] failed after ${f.attempts} attempt(s): ${f.errorCode}`,
          details: {
            asset: f.asset,
            partition: f.partition,
            errorCode: f.errorCode,
            error: f.errorMessage.slice(0, 500),
          },
        },
      },
    ],
    { ...o, nowMs: Date.now() },
  );
  return result.raised;
}

/** A success resolves the open `pipeline_failed` alerts of that partition. */
export async function resolveFailed(
  store: ServingStore,
  o: PipelineAlertOptions,
  asset: string,
  partition: string,
): Promise<void> {
  await writeOutcomes(
    store,
    [
      {
        kind: 'ok',
        rule: FAILED_RULE,
        metric: `job:${asset}:${partitionLabel(partition)}`,
        windowStartMs: Date.now(),
      },
    ],
    { ...o, nowMs: Date.now() },
  );
}

/**
 * Freshness: an asset whose last success is older than its policy raises one `pipeline_late`
 * alert, its window the moment it became late (so re-evaluating does not raise another); a new
 * success resolves it.
 */
export async function applyFreshness(
  store: ServingStore,
  o: PipelineAlertOptions,
  a: { asset: string; freshnessMaxMs: number; lastSuccessMs: number; nowMs: number },
): Promise<'late' | 'fresh'> {
  const lateSinceMs = a.lastSuccessMs + a.freshnessMaxMs;
  const metric = `job:${a.asset}`;
  const late = a.nowMs > lateSinceMs;
  await writeOutcomes(
    store,
    [
      late
        ? {
            kind: 'fire',
            alert: {
              rule: LATE_RULE,
              metric,
              windowStartMs: lateSinceMs,
              severity: 'warning',
              value: Math.round((a.nowMs - a.lastSuccessMs) / 1000),
              baseline: Math.round(a.freshnessMaxMs / 1000),
              zScore: null,
              message: `${a.asset} last succeeded ${Math.round((a.nowMs - a.lastSuccessMs) / 60_000)} min ago (policy ${Math.round(a.freshnessMaxMs / 60_000)} min)`,
              details: { asset: a.asset, lastSuccessAt: new Date(a.lastSuccessMs).toISOString() },
            },
          }
        : { kind: 'ok', rule: LATE_RULE, metric, windowStartMs: a.nowMs },
    ],
    { ...o, nowMs: a.nowMs },
  );
  return late ? 'late' : 'fresh';
}
