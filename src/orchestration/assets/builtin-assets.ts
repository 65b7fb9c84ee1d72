import { runQualitySuite } from '../../batch/data-quality/run-quality-suite.js';
import { compactCommitted, vacuumLake } from '../../batch/lake-maintenance/compact-committed.js';
import { buildCustomerAnalytics } from '../../batch/customers/index.js';
import { customerAnalyticsOptionsOf } from '../../batch/customers/options-from-config.js';
import { buildMarts } from '../../batch/marts/index.js';
import type { Config } from '../../config/index.js';
import { RAW_TOPIC } from '../../log/event-log.js';
import type { Lake } from '../../lake/index.js';
import type { AssetDefinition, AssetDeps, MaterialisedAsset, RetryPolicy, Schedule } from '../asset.js';
import { AssetGraph } from '../asset-graph.js';
import { silverSource } from './silver-source.js';
import { runReconciliation } from '../../batch/reconcile/run-reconciliation.js';
import { deleteOldWindowCommits } from '../../store/index.js';

/** Runs a batch attempt on a lake reader of its own when the deployment opens one (AssetDeps). */
async function withBatchLake<T>(deps: AssetDeps, fn: (lake: Lake) => Promise<T>): Promise<T> {
  if (deps.openBatchLake === undefined) return fn(deps.lake);
  const lake = await deps.openBatchLake();
  try {
    return await fn(lake);
  } finally {
    await lake.close();
  }
}

/**
 * The pool of the assets that read the lake on a DuckDB instance of their own (or, for
 * reconciliation, a large query on the writer's): one slot each (scheduler.lakePoolSize).
 */
export const LAKE_POOL = 'lake';

/** An interval schedule, or on demand only when the interval is 0. */
const everyOrManual = (everyMs: number): Schedule =>
  everyMs > 0 ? { kind: 'interval', everyMs } : { kind: 'manual' };

const retry = (config: Readonly<Config>, maxAttempts: number): RetryPolicy => ({
  maxAttempts,
  backoffBaseMs: config.scheduler.retryBackoffBaseMs,
  backoffMaxMs: 30 * config.scheduler.retryBackoffBaseMs,
  jitter: 0.25,
});

/** The data-quality suite (docs/data-quality.md) every dq.intervalMs, as `start` always ran it. */
function dqAsset(config: Readonly<Config>): MaterialisedAsset {
  return {
    kind: 'materialised',
    key: 'dq.suite',
    description: 'The data-quality suite over Silver and the serving DB; one data_quality_runs row per run.',
    owner: 'data-quality',
    partitioning: 'none',
    upstream: ['silver'],
    schedule: everyOrManual(config.dq.intervalMs),
    catchUp: 'once',
    retry: retry(config, 3),
    timeoutMs: 600_000,
    freshnessMaxMs: config.dq.intervalMs > 0 ? 3 * config.dq.intervalMs : 0,
    pool: LAKE_POOL,
    checks: [],
    async materialise(ctx) {
      const run = await withBatchLake(ctx.deps, (lake) =>
        runQualitySuite({ lake, store: ctx.deps.store, options: ctx.deps.config.dq, nowMs: Date.now() }),
      );
      return { rowsWritten: run.checks.length };
    },
  };
}

/** Lake compaction (docs/lake.md) every lake.compactIntervalMs, under the lake's maintenance lock. */
function compactionAsset(config: Readonly<Config>): MaterialisedAsset {
  return {
    kind: 'materialised',
    key: 'lake.compaction',
    description:
      'Merges small committed lake files, then vacuums files unreferenced for longer than lake.vacuumRetainHours and log commits older than lake.logRetentionHours (`shopstream lake optimize`, `lake vacuum`); rows written = files merged.',
    owner: 'pipeline',
    partitioning: 'none',
    upstream: [],
    schedule: everyOrManual(config.lake.compactIntervalMs),
    catchUp: 'skip',
    retry: retry(config, 3),
    timeoutMs: 600_000,
    freshnessMaxMs: 0,
    pool: LAKE_POOL,
    checks: [],
    async materialise(ctx) {
      const { lake, store, config } = ctx.deps;
      const r = await compactCommitted(lake, store, RAW_TOPIC, config.lake);
      await vacuumLake(lake, {
        retainHours: config.lake.vacuumRetainHours,
        logRetainHours: config.lake.logRetentionHours,
      });
      return { rowsWritten: r.merged };
    },
  };
}

/**
 * The marts of one event_date (docs/marts.md): a forced build of that day, then the warehouse
 * models whose inputs changed; the model tests run before anything is published, and a failed
 * test fails the attempt. Runs when the day's Silver fingerprint changed (sensor).
 */
function martsAsset(config: Readonly<Config>): MaterialisedAsset {
  return {
    kind: 'materialised',
    key: 'marts.daily',
    description:
      'Day models, the dimensional model and their tests for one event_date (`shopstream marts build --from D --to D`).',
    owner: 'analytics',
    partitioning: 'daily',
    upstream: ['silver'],
    schedule: { kind: 'upstream' },
    catchUp: 'all',
    retry: retry(config, config.scheduler.martsMaxAttempts),
    timeoutMs: 1_800_000,
    // Each day's build also refreshes the warehouse models: one build at a time.
    maxParallelPartitions: 1,
    freshnessMaxMs: 0,
    pool: LAKE_POOL,
    checks: [
      {
        name: 'model-tests',
        run: async (_ctx, result) => {
          const failed = Number(result.facts?.['failedTests'] ?? 0);
          return {
            passed: failed === 0,
            message:
              failed === 0
                ? 'every model test passed'
                : `${failed} model test(s) failed: ${String(result.facts?.['failures'])}`,
          };
        },
      },
    ],
    async materialise(ctx) {
      const build = await withBatchLake(ctx.deps, (lake) =>
        buildMarts(
          {
            lake,
            store: ctx.deps.store,
            options: { ...ctx.deps.config.marts, fsync: ctx.deps.config.lake.fsync },
            onRowsPublished: ctx.deps.martsPublisher,
          },
          { fromDay: ctx.partition, toDay: ctx.partition },
        ),
      );
      return {
        rowsWritten: build.models.reduce((n, m) => n + m.rowsWritten, 0),
        facts: {
          buildId: build.buildId,
          failedTests: build.status === 'ok' ? 0 : Math.max(1, build.failures.length),
          failures: build.failures.map((f) => `${f.model}.${f.test}`).join(', '),
        },
      };
    },
  };
}

/**
 * Customer analytics as of one day (docs/customer-analytics.md): RFM snapshot, cohorts and the CLV
 * fit over mart.fact_orders up to that day; runs after the day's marts (which republish
 * dim_customers, so its segment and CLV columns are set again here).
 */
function customersAsset(config: Readonly<Config>): MaterialisedAsset {
  return {
    kind: 'materialised',
    key: 'customers.daily',
    description:
      'RFM snapshot, monthly cohorts and BG/NBD + Gamma-Gamma CLV as of one day (`shopstream customers build --as-of D`).',
    owner: 'analytics',
    partitioning: 'daily',
    upstream: ['marts.daily'],
    schedule: { kind: 'upstream' },
    catchUp: 'all',
    retry: retry(config, 3),
    timeoutMs: 1_800_000,
    maxParallelPartitions: 1,
    freshnessMaxMs: 0,
    checks: [],
    async materialise(ctx) {
      const job = await buildCustomerAnalytics({
        asOf: ctx.partition,
        store: ctx.deps.store,
        options: customerAnalyticsOptionsOf(ctx.deps.config),
      });
      return {
        rowsWritten: job.segments.reduce((n, s) => n + s.customers, 0),
        facts: { clvRunId: job.run.runId, bgNbdConverged: job.run.bgNbd.fit.converged ? 1 : 0 },
      };
    },
  };
}

/**
 * Streaming-vs-batch reconciliation (docs/reconciliation.md) every reconcile.intervalMs: the
 * minutes settled since the last run, kpi_minute against a recompute from Silver. A mismatch is
 * not a failed run: it is the run's finding, recorded and raised as a critical alert.
 */
function reconcileAsset(config: Readonly<Config>): MaterialisedAsset {
  return {
    kind: 'materialised',
    key: 'reconcile.kpis',
    description:
      'Every KPI of every minute settled since the last run: serving.kpi_minute against a recompute from Silver; one reconciliation_runs row per run, a critical reconciliation_mismatch alert when any value differs; rows written = minutes checked.',
    owner: 'pipeline',
    partitioning: 'none',
    upstream: ['silver'],
    schedule: everyOrManual(config.reconcile.intervalMs),
    catchUp: 'once',
    retry: retry(config, 3),
    timeoutMs: 600_000,
    freshnessMaxMs: config.reconcile.intervalMs > 0 ? 3 * config.reconcile.intervalMs : 0,
    pool: LAKE_POOL,
    checks: [],
    async materialise(ctx) {
      // The newly settled minutes are a small query: the writer's lake reader serves it.
      const run = await runReconciliation(ctx.deps);
      return {
        rowsWritten: run.windowsChecked,
        facts: { mismatches: run.mismatches.length, maxDifference: run.maxDifference },
      };
    },
  };
}

/**
 * Gold's retention: every hour, the commit records of KPI windows older than
 * store.windowCommitsRetentionHours (serving.kpi_window_commits; the KPIs themselves stay).
 */
function goldRetentionAsset(config: Readonly<Config>): MaterialisedAsset {
  const hours = config.store.windowCommitsRetentionHours;
  return {
    kind: 'materialised',
    key: 'gold.retention',
    description:
      'Deletes the per-window processor commit records (serving.kpi_window_commits) of windows older than store.windowCommitsRetentionHours; rows written = records deleted.',
    owner: 'pipeline',
    partitioning: 'none',
    upstream: [],
    schedule: everyOrManual(hours > 0 ? 3_600_000 : 0),
    catchUp: 'skip',
    retry: retry(config, 3),
    timeoutMs: 600_000,
    freshnessMaxMs: 0,
    checks: [],
    async materialise(ctx) {
      return { rowsWritten: await deleteOldWindowCommits(ctx.deps.store, hours) };
    },
  };
}

/**
 * Every asset of shopstream, upstream first. To add one (e.g. customer analytics), append its
 * definition here; `npm run docs:generate` then documents it in docs/orchestration.md.
 */
export function builtinAssets(config: Readonly<Config>): AssetDefinition[] {
  return [
    silverSource(config),
    dqAsset(config),
    compactionAsset(config),
    martsAsset(config),
    customersAsset(config),
    reconcileAsset(config),
    goldRetentionAsset(config),
  ];
}

export function builtinGraph(config: Readonly<Config>): AssetGraph {
  return new AssetGraph(builtinAssets(config));
}
