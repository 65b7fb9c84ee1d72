import type { AssetDeps, MaterialisedAsset } from './asset.js';
import type { AssetGraph } from './asset-graph.js';
import { countLostAttempt, dequeue, listQueue, type QueuedJob } from './job-queue.js';
import type { VersionReader } from './lineage.js';
import { indexRuns, lookupRun, type SuccessIndex } from './lineage.js';
import { raiseFailed, type PipelineAlertOptions } from './pipeline-alerts.js';
import { runAttempt } from './run-attempt.js';
import {
  readLatestRunsByStatus,
  reapLostAttempts,
  recordSkipped,
  renewAttemptLeases,
  type RunRow,
} from './run-log.js';

export interface ExecutorOptions {
  readonly executorId: string;
  readonly leaseMs: number;
  readonly concurrency: number;
  /** Attempts at once per pool (MaterialisedAsset.pool); a pool not named here has no limit of its own. */
  readonly poolLimits?: Readonly<Record<string, number>>;
  readonly alerts: PipelineAlertOptions;
  readonly random?: () => number;
  readonly onError?: (err: unknown, job: QueuedJob) => void;
  /** Every attempt's start and end (`attempt started` / `attempt <status>`). */
  readonly onAttempt?: (message: string, fields: Record<string, unknown>) => void;
}

/** Which queued requests an executor takes: the scheduler takes all, `jobs run|backfill` their own. */
export type JobFilter = (job: QueuedJob) => boolean;

const jobKey = (asset: string, partition: string) => `${asset}\u0000${partition}`;

/**
 * Runs queued requests with at most `concurrency` attempts at once. A request is started when it
 * is due (its backoff passed), no attempt of it is running, and none of the upstream partitions it
 * reads is queued or running (so downstream waits for upstream: dependency order). A request whose
 * upstream failed for good is recorded `skipped` (SHOP_JOBS_UPSTREAM_FAILED) and dropped.
 */
export class JobExecutor {
  private readonly inFlight = new Map<string, Promise<void>>();
  /** The pool of each running attempt, by job key. */
  private readonly inFlightPool = new Map<string, string>();

  constructor(
    private readonly graph: AssetGraph,
    private readonly deps: AssetDeps,
    readonly versions: VersionReader,
    private readonly options: ExecutorOptions,
  ) {}

  get running(): number {
    return this.inFlight.size;
  }

  /** Renews the leases of this executor's running attempts (call every heartbeat). */
  heartbeat(): Promise<void> {
    return renewAttemptLeases(this.deps.store, this.options.executorId, this.options.leaseMs);
  }

  /**
   * One pass: marks lost attempts crashed (counting them as attempts; a request out of attempts
   * fails for good), then starts what is eligible. Returns the queue as it was read.
   */
  async pass(filter: JobFilter, signal: AbortSignal): Promise<QueuedJob[]> {
    for (const lost of await reapLostAttempts(this.deps.store))
      await countLostAttempt(this.deps.store, lost.asset, lost.partition);
    const queue = await listQueue(this.deps.store);
    const byStatus = await readLatestRunsByStatus(this.deps.store);
    const latest = byStatus.of(null);
    const running = new Set(
      latest.filter((r) => r.status === 'running').map((r) => jobKey(r.asset, r.partition)),
    );
    const successes = indexRuns(byStatus.of(['succeeded']));
    const queued = new Set(queue.map((j) => jobKey(j.asset, j.partition)));
    const lastRun = indexRuns(latest);
    for (const job of queue) {
      if (signal.aborted || this.inFlight.size >= this.options.concurrency) break;
      const key = jobKey(job.asset, job.partition);
      if (!job.due || !filter(job) || running.has(key) || this.inFlight.has(key)) continue;
      const asset = this.graph.get(job.asset);
      if (asset === undefined || asset.kind !== 'materialised') {
        await dequeue(this.deps.store, job.asset, job.partition);
        continue;
      }
      if (job.attempts >= asset.retry.maxAttempts) {
        await this.giveUp(asset, job, lookupRun(lastRun, job.asset, job.partition));
        continue;
      }
      const parallel = [...this.inFlight.keys()].filter((k) => k.startsWith(`${asset.key}\u0000`)).length;
      if (parallel >= (asset.maxParallelPartitions ?? Infinity)) continue;
      if (this.poolFull(asset.pool)) continue;
      const gate = this.upstreamGate(asset, job.partition, queued, running, lastRun);
      if (gate === 'wait') continue;
      if (gate !== 'go') {
        await this.skip(asset, job, gate);
        continue;
      }
      this.start(asset, job, successes, signal);
    }
    return queue;
  }

  private poolFull(pool: string | undefined): boolean {
    const limit = pool === undefined ? undefined : this.options.poolLimits?.[pool];
    if (limit === undefined) return false;
    let used = 0;
    for (const p of this.inFlightPool.values()) if (p === pool) used++;
    return used >= limit;
  }

  /** Resolves when every started attempt has ended. */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.inFlight.values()]);
  }

  private start(
    asset: MaterialisedAsset,
    job: QueuedJob,
    successes: SuccessIndex,
    signal: AbortSignal,
  ): void {
    const key = jobKey(job.asset, job.partition);
    const env = {
      deps: this.deps,
      executorId: this.options.executorId,
      leaseMs: this.options.leaseMs,
      alerts: this.options.alerts,
      signal,
      ...(this.options.random ? { random: this.options.random } : {}),
    };
    const work = (async () => {
      const upstream = await this.versions.upstreamVersions(asset, job.partition, successes, Date.now());
      const started = Date.now();
      const fields = { asset: job.asset, partition: job.partition, attempt: job.attempts + 1 };
      this.options.onAttempt?.('attempt started', fields);
      const status = await runAttempt(env, asset, job, upstream);
      if (status !== null)
        this.options.onAttempt?.(`attempt ${status}`, { ...fields, durationMs: Date.now() - started });
    })()
      .catch((err: unknown) => this.options.onError?.(err, job))
      .finally(() => {
        this.inFlight.delete(key);
        this.inFlightPool.delete(key);
      });
    this.inFlight.set(key, work);
    if (asset.pool !== undefined) this.inFlightPool.set(key, asset.pool);
  }

  /**
   * 'go', 'wait' (an upstream partition it reads, directly or transitively, is queued or running),
   * or the direct upstream run that failed for good and blocks it.
   */
  private upstreamGate(
    asset: MaterialisedAsset,
    partition: string,
    queued: Set<string>,
    running: Set<string>,
    lastRun: SuccessIndex,
  ): 'go' | 'wait' | RunRow {
    const busy = (k: string) => queued.has(k) || running.has(k) || this.inFlight.has(k);
    for (const u of this.graph.ancestorsOf(asset.key)) {
      if (u.kind !== 'materialised') continue;
      if (u.partitioning === 'daily' && asset.partitioning === 'none') {
        if ([...queued, ...running, ...this.inFlight.keys()].some((k) => k.startsWith(`${u.key}\u0000`)))
          return 'wait';
        continue;
      }
      const p = u.partitioning === 'none' ? '' : partition;
      if (busy(jobKey(u.key, p))) return 'wait';
      const last = lookupRun(lastRun, u.key, p);
      if (
        asset.upstream.includes(u.key) &&
        last !== undefined &&
        (last.status === 'failed' || last.status === 'skipped')
      )
        return last;
    }
    return 'go';
  }

  private async skip(asset: MaterialisedAsset, job: QueuedJob, blocker: RunRow): Promise<void> {
    await this.deps.store.transaction(async (tx) => {
      await recordSkipped(tx, {
        asset: asset.key,
        partition: job.partition,
        attempt: job.attempts + 1,
        trigger: job.trigger,
        backfillId: job.backfillId,
        executorId: this.options.executorId,
        status: 'skipped',
        errorCode: 'SHOP_JOBS_UPSTREAM_FAILED',
        errorMessage: `upstream ${blocker.asset} [${blocker.partition || '-'}] ${blocker.status} (run ${blocker.runId})`,
      });
      await dequeue(tx, asset.key, job.partition);
    });
  }

  /** A request whose last attempt was lost and that has no attempts left. */
  private async giveUp(asset: MaterialisedAsset, job: QueuedJob, last: RunRow | undefined): Promise<void> {
    await dequeue(this.deps.store, asset.key, job.partition);
    await raiseFailed(this.deps.store, this.options.alerts, {
      asset: asset.key,
      partition: job.partition,
      enqueuedAtMs: job.enqueuedAt.getTime(),
      attempts: job.attempts,
      errorCode: last?.errorCode ?? 'SHOP_JOBS_ATTEMPT_LOST',
      errorMessage: last?.errorMessage ?? 'out of attempts',
    });
  }
}
