import { sleep } from '../pipeline/processor/processor-run-loop.js';
import type { AssetDeps, MaterialisedAsset } from './asset.js';
import type { AssetGraph } from './asset-graph.js';
import { JobExecutor, type ExecutorOptions } from './job-executor.js';
import { enqueue, listQueue } from './job-queue.js';
import { indexRuns, lookupRun, NO_VERSION, VersionReader, type SuccessIndex } from './lineage.js';
import { applyFreshness } from './pipeline-alerts.js';
import { readLatestRunsByStatus, type LatestRunsByStatus } from './run-log.js';
import { readScheduleState, writeScheduleState } from './schedule-state.js';
import { partitionsForTicks, ticksSince } from './schedule-ticks.js';
import { releaseLease, tryAcquireLease } from './scheduler-lease.js';

export interface SchedulerOptions extends ExecutorOptions {
  readonly tickMs: number;
  readonly heartbeatMs: number;
  readonly onEvent?: (message: string, fields: Record<string, unknown>) => void;
  readonly onTickError?: (err: unknown) => void;
}

const jobKey = (asset: string, partition: string) => `${asset}\u0000${partition}`;

/**
 * The scheduler: every tick, if it holds the deployment's lease (scheduler-lease.ts), it
 * 1. renews the lease (every heartbeat) and the leases of its running attempts;
 * 2. observes the sources that are due (lineage.ts);
 * 3. queues the partitions of cron/interval schedules whose ticks passed (catch-up per asset);
 * 4. queues the partitions whose upstream versions differ from what their last run read (sensors);
 * 5. raises/resolves freshness alerts;
 * 6. runs the executor's pass (retries, dependency order, bounded concurrency).
 * A standby only tries to take the lease each tick; it runs nothing.
 */
export class Scheduler {
  readonly executor: JobExecutor;
  private readonly versions: VersionReader;
  private active = false;
  private lastLeaseMs = 0;
  private lastBeatMs = 0;
  private readonly freshness = new Map<string, 'late' | 'fresh'>();

  constructor(
    private readonly graph: AssetGraph,
    private readonly deps: AssetDeps,
    private readonly options: SchedulerOptions,
  ) {
    this.versions = new VersionReader(graph, deps, Date.now());
    this.executor = new JobExecutor(graph, deps, this.versions, options);
  }

  get isActive(): boolean {
    return this.active;
  }

  /** Ticks until `signal` aborts; then waits for running attempts (stopped as cancelled) and gives the lease up. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.tick(signal);
      } catch (err) {
        this.options.onTickError?.(err);
      }
      await sleep(this.options.tickMs, signal);
    }
    await this.executor.settle();
    if (this.active) await releaseLease(this.deps.store, this.options.executorId).catch(() => undefined);
  }

  async tick(signal: AbortSignal): Promise<void> {
    const now = Date.now();
    if (!this.active || now - this.lastLeaseMs >= this.options.heartbeatMs) {
      const was = this.lastLeaseMs === 0 ? null : this.active;
      this.active = await tryAcquireLease(this.deps.store, this.options.executorId, this.options.leaseMs);
      this.lastLeaseMs = now;
      if (was !== this.active)
        this.options.onEvent?.(this.active ? 'scheduler active' : 'scheduler standby', {
          schedulerId: this.options.executorId,
        });
    }
    if (this.executor.running > 0 && now - this.lastBeatMs >= this.options.heartbeatMs) {
      await this.executor.heartbeat();
      this.lastBeatMs = now;
    }
    if (!this.active) return;
    await this.versions.refresh(now);
    await this.queueScheduled(now);
    const latest = await readLatestRunsByStatus(this.deps.store);
    const successes = indexRuns(latest.of(['succeeded']));
    await this.queueStale(successes, latest);
    await this.checkFreshness(successes, now);
    await this.executor.pass(() => true, signal);
  }

  private async queueScheduled(nowMs: number): Promise<void> {
    const state = await readScheduleState(this.deps.store);
    for (const asset of this.graph.materialised()) {
      if (asset.schedule.kind !== 'cron' && asset.schedule.kind !== 'interval') continue;
      const last = state.get(asset.key);
      if (last === undefined) {
        await writeScheduleState(this.deps.store, asset.key, nowMs);
        continue;
      }
      const ticks = ticksSince(asset, last, nowMs);
      if (ticks.length === 0) continue;
      const trigger = ticks.length > 1 ? `catch-up:${asset.catchUp}` : 'schedule';
      for (const partition of partitionsForTicks(asset, ticks, asset.catchUp))
        await enqueue(this.deps.store, { asset: asset.key, partition, trigger });
      await writeScheduleState(this.deps.store, asset.key, ticks[ticks.length - 1]!);
      if (ticks.length > 1)
        this.options.onEvent?.('missed schedule ticks', {
          asset: asset.key,
          ticks: ticks.length,
          catchUp: asset.catchUp,
        });
    }
  }

  /** The "upstream changed" sensors. */
  private async queueStale(successes: SuccessIndex, latest: LatestRunsByStatus): Promise<void> {
    const sensed = this.graph.materialised().filter((a) => a.schedule.kind === 'upstream');
    if (sensed.length === 0) return;
    const terminal = indexRuns(latest.of(['succeeded', 'failed', 'skipped']));
    const running = indexRuns(latest.of(['running']));
    const queued = new Set((await listQueue(this.deps.store)).map((j) => jobKey(j.asset, j.partition)));
    for (const asset of sensed) {
      const partitions = this.candidatePartitions(asset, successes);
      if (partitions === null) continue;
      for (const p of partitions) {
        if (queued.has(jobKey(asset.key, p)) || lookupRun(running, asset.key, p) !== undefined) continue;
        const current: Record<string, string> = {};
        for (const k of asset.upstream)
          current[k] = this.versions.versionOf(asset, this.graph.get(k)!, p, successes);
        if (Object.values(current).some((v) => v === NO_VERSION)) continue;
        const last = lookupRun(terminal, asset.key, p);
        if (last !== undefined && asset.upstream.every((k) => last.upstreamVersions[k] === current[k]))
          continue;
        await enqueue(this.deps.store, { asset: asset.key, partition: p, trigger: 'sensor' });
      }
    }
  }

  /** The partitions a sensed asset could read; null while one of its sources was never observed. */
  private candidatePartitions(asset: MaterialisedAsset, successes: SuccessIndex): string[] | null {
    if (asset.partitioning === 'none') return [''];
    const out = new Set<string>();
    for (const k of asset.upstream) {
      const u = this.graph.get(k)!;
      if (u.kind === 'source' && this.versions.observation(k) === undefined) return null;
      if (u.partitioning === 'daily')
        for (const p of this.versions.partitionVersions(u, successes).keys()) out.add(p);
    }
    return [...out].sort();
  }

  private async checkFreshness(successes: SuccessIndex, nowMs: number): Promise<void> {
    for (const asset of this.graph.materialised()) {
      if (asset.freshnessMaxMs <= 0) continue;
      let lastMs = 0;
      for (const r of successes.values())
        if (r.asset === asset.key && r.finishedAt !== null)
          lastMs = Math.max(lastMs, Date.parse(r.finishedAt));
      if (lastMs === 0) continue;
      const state = nowMs > lastMs + asset.freshnessMaxMs ? 'late' : 'fresh';
      if (this.freshness.get(asset.key) === state) continue;
      this.freshness.set(
        asset.key,
        await applyFreshness(this.deps.store, this.options.alerts, {
          asset: asset.key,
          freshnessMaxMs: asset.freshnessMaxMs,
          lastSuccessMs: lastMs,
          nowMs,
        }),
      );
    }
  }
}
