import { randomUUID } from 'node:crypto';
import { alertOptionsFromConfig } from '../../alerts/alert-options.js';
import { writeOutcomes } from '../../alerts/alert-writer.js';
import type { Config } from '../../config/index.js';
import type { Lake } from '../../lake/duckdb/open-lake.js';
import { RAW_TOPIC } from '../../log/event-log.js';
import type { ServingStore, SqlExecutor } from '../../store/serving-store.js';
import { counterOf, reconcileKpis, type KpiMismatch, type KpiReconciliation } from './reconcile-kpis.js';

/** The alert rule a reconciliation mismatch raises (critical, one alert per run that finds any). */
export const RECONCILIATION_RULE = 'reconciliation_mismatch';

/** Mismatches kept in the run row and in the alert (the count is always complete). */
const KEPT_MISMATCHES = 100;

export interface ReconciliationRun extends KpiReconciliation {
  /** Undefined when nothing had settled since the last run (no row is written then). */
  readonly runId: string | undefined;
  readonly alertId: string | undefined;
  readonly diagnosis: string | undefined;
}

export interface ReconciliationDeps {
  readonly lake: Lake;
  readonly store: ServingStore;
  readonly config: Readonly<Config>;
}

/**
 * One reconciliation run: the settled minutes after the previous run's end (or [fromMs, toMs)
 * when given), compared by `reconcileKpis`, recorded in serving.reconciliation_runs; any
 * mismatch raises one critical `reconciliation_mismatch` alert (webhooks, outbox) naming the
 * minutes and metrics that differ.
 */
export async function runReconciliation(
  deps: ReconciliationDeps,
  range: { readonly fromMs?: number; readonly toMs?: number; readonly silverVersion?: number } = {},
): Promise<ReconciliationRun> {
  const startedAt = new Date();
  const fromMs = range.fromMs ?? (await lastCheckedToMs(deps.store)) ?? 0;
  const result = await reconcileKpis(deps.lake, deps.store, {
    topic: RAW_TOPIC,
    fromMs,
    toMs: range.toMs ?? Date.UTC(9999, 0, 1),
    watermarkMs: deps.config.processor.watermarkMs,
    ...(range.silverVersion === undefined ? {} : { silverVersion: range.silverVersion }),
  });
  if (result.windowsChecked === 0 && result.toMs <= result.fromMs)
    return { ...result, runId: undefined, alertId: undefined, diagnosis: undefined };
  const runId = randomUUID();
  const diagnosis = result.mismatches.length > 0 ? diagnose(result.mismatches) : undefined;
  const alertId =
    result.mismatches.length > 0 ? await raiseMismatch(deps, runId, result, diagnosis!) : undefined;
  await deps.store.query(
    `INSERT INTO serving.reconciliation_runs (run_id, started_at, finished_at, from_ts, to_ts, windows_checked,
       values_checked, mismatch_count, max_difference, mismatches, alert_id, silver_version)
     VALUES ($1, $2::timestamptz, now(), $3::timestamptz, $4::timestamptz, $5, $6, $7, $8, $9::jsonb, $10, $11)`,
    [
      runId,
      startedAt.toISOString(),
      new Date(result.fromMs).toISOString(),
      new Date(result.toMs).toISOString(),
      result.windowsChecked,
      result.valuesChecked,
      result.mismatches.length,
      result.maxDifference,
      JSON.stringify(result.mismatches.slice(0, KEPT_MISMATCHES)),
      alertId ?? null,
      result.silverVersion,
    ],
  );
  return { ...result, runId, alertId, diagnosis };
}

/** Where the next scheduled run starts: the end of the last one. */
async function lastCheckedToMs(store: SqlExecutor): Promise<number | undefined> {
  const [row] = await store.query<{ to_ts: Date | null }>(
    `SELECT max(to_ts) AS to_ts FROM serving.reconciliation_runs`,
  );
  return row?.to_ts == null ? undefined : row.to_ts.getTime();
}

/**
 * A first reading of which side is off: Gold above Silver means events counted in the stream are
 * missing from the lake (lake files lost, a replay or rebuild in progress); Silver above Gold means
 * Silver holds events Gold never counted (a Gold reset, or rows written to the lake outside the
 * processor); both directions, or only derived metrics, point at a formula or a corrupted row.
 */
export function diagnose(mismatches: readonly KpiMismatch[]): string {
  const counts = mismatches.filter((m) => {
    const counter = counterOf(m.metric);
    return counter.startsWith('events_') || counter === 'revenue';
  });
  const goldHigher = counts.filter((m) => (m.streaming ?? 0) > (m.batch ?? 0)).length;
  const silverHigher = counts.length - goldHigher;
  if (counts.length === 0)
    return 'only derived metrics (aov, rates) differ: a formula difference or a corrupted kpi_minute row';
  if (silverHigher === 0)
    return 'Gold counts more than Silver holds: lake files missing or not yet rewritten (a replay or rebuild in progress), or a corrupted Gold row';
  if (goldHigher === 0)
    return 'Silver holds events Gold did not count: Gold reset or rebuilt from a shorter log, lake rows written outside the processor, or a corrupted Gold row';
  return 'Gold and Silver differ in both directions: a corrupted row or a changed formula; replay the affected hours (`shopstream replay`)';
}

async function raiseMismatch(
  deps: ReconciliationDeps,
  runId: string,
  result: KpiReconciliation,
  diagnosis: string,
): Promise<string | undefined> {
  const alerts = alertOptionsFromConfig(deps.config);
  const windows = [...new Set(result.mismatches.map((m) => m.windowStart))];
  const metrics = [...new Set(result.mismatches.map((m) => m.metric))];
  const outcome = await writeOutcomes(
    deps.store,
    [
      {
        kind: 'fire',
        alert: {
          rule: RECONCILIATION_RULE,
          metric: 'kpi_minute',
          windowStartMs: Date.parse(windows[0]!),
          severity: 'critical',
          value: result.mismatches.length,
          baseline: 0,
          zScore: null,
          message:
            `${result.mismatches.length} KPI value(s) in ${windows.length} minute(s) differ between the stream ` +
            `(kpi_minute, kpi_dim_counts) and Silver: ${metrics.join(', ')} from ${windows[0]}; ${diagnosis}`,
          details: {
            runId,
            windows: windows.slice(0, 20),
            metrics,
            maxDifference: result.maxDifference,
            mismatches: result.mismatches.slice(0, 20),
            diagnosis,
          },
        },
      },
    ],
    { cooldownMs: alerts.cooldownMs, webhooks: alerts.webhooks, nowMs: Date.now() },
  );
  return outcome.raised[0];
}
