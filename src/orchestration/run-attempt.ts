import { isShopError, ShopError } from '../errors/index.js';
import type { AssetDeps, MaterialiseContext, MaterialiseResult, MaterialisedAsset } from './asset.js';
import { deferRetry, dequeue, lockIfStillDue, type QueuedJob } from './job-queue.js';
import { raiseFailed, resolveFailed, type PipelineAlertOptions } from './pipeline-alerts.js';
import { errorCanRetry, retryDelayMs } from './retry-policy.js';
import { claimAttempt, finishAttempt, type RunOutcome } from './run-log.js';

export interface AttemptEnv {
  readonly deps: AssetDeps;
  readonly executorId: string;
  readonly leaseMs: number;
  readonly alerts: PipelineAlertOptions;
  /** Shutdown: an attempt stopped by it is recorded `cancelled` and stays queued. */
  readonly signal: AbortSignal;
  readonly random?: () => number;
}

type Ended =
  | { kind: 'ok'; result: MaterialiseResult; checks: RunOutcome['checks'] }
  | { kind: 'error'; err: unknown; checks: RunOutcome['checks'] };

/**
 * One attempt of one queued (asset, partition), in numbered steps:
 * 1. claim: insert the `running` row (refused while another attempt of it runs, or when the request
 *    changed since it was read, e.g. its previous attempt settled meanwhile: then nothing happens);
 * 2. materialise, with the timeout as an abort signal (cooperative: the attempt ends when the
 *    function returns, so a timed-out attempt never overlaps its retry), then the checks;
 * 3. in one transaction: finish the row and settle the request: success -> dequeued; a retryable
 *    error with attempts left -> held back by the backoff; otherwise -> dequeued, failed for good;
 * 4. alerts: failed for good -> one `pipeline_failed` alert; success -> its open alert resolved.
 * Returns the status written, or null when the claim was refused or the row was lost meanwhile.
 */
export async function runAttempt(
  env: AttemptEnv,
  asset: MaterialisedAsset,
  job: QueuedJob,
  upstreamVersions: Record<string, string>,
): Promise<RunOutcome['status'] | null> {
  const attempt = job.attempts + 1;
  const runId = await env.deps.store.transaction(async (tx) =>
    (await lockIfStillDue(tx, job))
      ? claimAttempt(tx, {
          asset: asset.key,
          partition: job.partition,
          attempt,
          trigger: job.trigger,
          backfillId: job.backfillId,
          executorId: env.executorId,
          leaseMs: env.leaseMs,
          upstreamVersions,
        })
      : null,
  );
  if (runId === null) return null;
  const ended = await materialiseWithTimeout(env, asset, {
    partition: job.partition,
    attempt,
    upstreamVersions,
    deps: env.deps,
  });
  const outcome = outcomeOf(ended, env.signal.aborted);
  const retry =
    outcome.status === 'failed' &&
    errorCanRetry(ended.kind === 'error' ? ended.err : null) &&
    attempt < asset.retry.maxAttempts;
  const written = await env.deps.store.transaction(async (tx) => {
    if (!(await finishAttempt(tx, runId, outcome))) return false;
    if (outcome.status === 'cancelled') return true;
    if (retry) await deferRetry(tx, asset.key, job.partition, retryDelayMs(asset.retry, attempt, env.random));
    else await dequeue(tx, asset.key, job.partition);
    return true;
  });
  if (!written) return null;
  if (outcome.status === 'succeeded')
    await resolveFailed(env.deps.store, env.alerts, asset.key, job.partition);
  if (outcome.status === 'failed' && !retry)
    await raiseFailed(env.deps.store, env.alerts, {
      asset: asset.key,
      partition: job.partition,
      enqueuedAtMs: job.enqueuedAt.getTime(),
      attempts: attempt,
      errorCode: outcome.errorCode ?? 'SHOP_JOBS_FAILED',
      errorMessage: outcome.errorMessage ?? '',
    });
  return outcome.status;
}

async function materialiseWithTimeout(
  env: AttemptEnv,
  asset: MaterialisedAsset,
  c: Omit<MaterialiseContext, 'signal'>,
): Promise<Ended> {
  const abort = new AbortController();
  const onStop = () => abort.abort(env.signal.reason);
  env.signal.addEventListener('abort', onStop, { once: true });
  const timer = setTimeout(
    () =>
      abort.abort(new ShopError('SHOP_JOBS_TIMEOUT', `${asset.key} ran longer than ${asset.timeoutMs} ms`)),
    asset.timeoutMs,
  );
  const ctx: MaterialiseContext = { ...c, signal: abort.signal };
  const checks: { name: string; passed: boolean; message: string }[] = [];
  try {
    const result = await asset.materialise(ctx);
    if (abort.signal.aborted) throw abort.signal.reason;
    for (const check of asset.checks) {
      const r = await check.run(ctx, result);
      checks.push({ name: check.name, ...r });
      if (!r.passed)
        throw new ShopError('SHOP_JOBS_CHECK_FAILED', `check ${check.name} failed: ${r.message}`, {
          details: { check: check.name },
        });
    }
    return { kind: 'ok', result, checks };
  } catch (err) {
    return {
      kind: 'error',
      err: abort.signal.aborted && !env.signal.aborted ? abort.signal.reason : err,
      checks,
    };
  } finally {
    clearTimeout(timer);
    env.signal.removeEventListener('abort', onStop);
  }
}

function outcomeOf(ended: Ended, shuttingDown: boolean): RunOutcome {
  if (ended.kind === 'ok')
    return {
      status: 'succeeded',
      rowsWritten: ended.result.rowsWritten,
      errorCode: null,
      errorMessage: null,
      checks: ended.checks,
    };
  const err = ended.err;
  const message = err instanceof Error ? err.message : String(err);
  if (shuttingDown)
    return {
      status: 'cancelled',
      rowsWritten: null,
      errorCode: null,
      errorMessage: 'stopped by shutdown',
      checks: ended.checks,
    };
  return {
    status: 'failed',
    rowsWritten: null,
    errorCode: isShopError(err) ? err.code : 'SHOP_JOBS_FAILED',
    errorMessage: message,
    checks: ended.checks,
  };
}
