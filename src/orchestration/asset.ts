import type { MartRowsHook } from '../batch/marts/index.js';
import type { Config } from '../config/index.js';
import type { Lake } from '../lake/index.js';
import type { ServingStore } from '../store/serving-store.js';

/** `daily`: one partition per UTC day (`YYYY-MM-DD`); `none`: one partition, keyed ''. */
export type Partitioning = 'daily' | 'none';

/**
 * When the scheduler queues an asset by itself:
 * - cron: at each tick of a 5/6-field cron expression (UTC); a daily asset's tick queues the day before it;
 * - interval: every `everyMs` after the previous tick (the first one interval after the first start);
 * - upstream: when the version of an upstream partition differs from the one its last success read;
 * - manual: only `shopstream jobs run|backfill` and the API trigger queue it.
 */
export type Schedule =
  | { readonly kind: 'cron'; readonly cron: string }
  | { readonly kind: 'interval'; readonly everyMs: number }
  | { readonly kind: 'upstream' }
  | { readonly kind: 'manual' };

/** After downtime: run the missed ticks once, one run per missed tick (`all`), or not at all. */
export type CatchUp = 'once' | 'all' | 'skip';

/**
 * Attempts include the first one. The delay before attempt n+1 (n >= 1) is
 * `min(maxMs, baseMs * 2^(n-1)) * (1 + jitter * u)`, u uniform in [-1, 1] (retry-policy.ts).
 */
export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  /** 0..1: the share of the delay that is randomised. */
  readonly jitter: number;
}

/** What an asset's functions may use: the process's adapters, opened by the CLI. */
export interface AssetDeps {
  readonly store: ServingStore;
  readonly lake: Lake;
  readonly config: Readonly<Config>;
  /**
   * Opens a lake reader of its own for one batch attempt (marts, data quality), closed after it:
   * its DuckDB instance has its own memory limit and spills, so a day's build neither grows the
   * process nor shares the writer's buffer pool (lake.batchMemoryLimitMb). Undefined: they use
   * `lake`.
   */
  readonly openBatchLake?: (() => Promise<Lake>) | undefined;
  /** The marts build's downstream hook (marts.publishTopic: the daily_aggregations topic). */
  readonly martsPublisher?: MartRowsHook | undefined;
}

export interface MaterialiseContext {
  /** The day, or '' for an unpartitioned asset. */
  readonly partition: string;
  readonly attempt: number;
  /** Aborted at the timeout (or shutdown): stop at the next safe point. */
  readonly signal: AbortSignal;
  /** The upstream versions this attempt reads (recorded as its lineage). */
  readonly upstreamVersions: Readonly<Record<string, string>>;
  readonly deps: AssetDeps;
}

export interface MaterialiseResult {
  readonly rowsWritten: number;
  /** What the asset's checks look at (e.g. the model tests' outcome). */
  readonly facts?: Readonly<Record<string, number | string>>;
}

/** Runs after a successful materialisation; a failing check fails the attempt (SHOP_JOBS_CHECK_FAILED). */
export interface AssetCheck {
  readonly name: string;
  run(ctx: MaterialiseContext, result: MaterialiseResult): Promise<{ passed: boolean; message: string }>;
}

interface AssetBase {
  /** Unique, kebab-case or dotted (`marts.daily`). */
  readonly key: string;
  readonly description: string;
  readonly owner: string;
  readonly partitioning: Partitioning;
  /** Keys of the assets (and sources) this one reads. */
  readonly upstream: readonly string[];
}

/**
 * A source: data the orchestrator does not produce (the Silver table) but can observe. `observe`
 * returns the current version of each partition (a daily source) or of '' (unpartitioned).
 */
export interface SourceAsset extends AssetBase {
  readonly kind: 'source';
  /** Observations are reused for this long (they can be costly); the first one is one interval after start. */
  readonly observeEveryMs: number;
  /** `nowMs`: the scheduler's clock at this observation. */
  observe(deps: AssetDeps, nowMs: number): Promise<ReadonlyMap<string, string>>;
}

/** An asset the orchestrator materialises, partition by partition. */
export interface MaterialisedAsset extends AssetBase {
  readonly kind: 'materialised';
  readonly schedule: Schedule;
  readonly catchUp: CatchUp;
  readonly retry: RetryPolicy;
  readonly timeoutMs: number;
  /** Later than this since its last success (ms) raises a `pipeline_late` alert; 0 = no policy. */
  readonly freshnessMaxMs: number;
  readonly checks: readonly AssetCheck[];
  /** Partitions of this asset one executor runs at once (default: no limit beyond the executor's). */
  readonly maxParallelPartitions?: number;
  /**
   * The concurrency pool its attempts draw a slot from (ExecutorOptions.poolLimits): assets that
   * each open a DuckDB instance of their own share one, so their memory limits never add up.
   */
  readonly pool?: string;
  /** Idempotent per partition: running it twice leaves the same result as once. */
  materialise(ctx: MaterialiseContext): Promise<MaterialiseResult>;
}

export type AssetDefinition = SourceAsset | MaterialisedAsset;
