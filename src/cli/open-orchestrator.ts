import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { alertOptionsFromConfig } from '../alerts/index.js';
import type { Config } from '../config/index.js';
import type { Logger } from '../observability/logger.js';
import type { AssetDeps } from '../orchestration/asset.js';
import type { AssetGraph } from '../orchestration/asset-graph.js';
import { builtinGraph, LAKE_POOL } from '../orchestration/assets/builtin-assets.js';
import { JobExecutor, type ExecutorOptions } from '../orchestration/job-executor.js';
import { VersionReader } from '../orchestration/lineage.js';
import { Scheduler } from '../orchestration/scheduler.js';
import { openLakeFromConfig } from './open-components.js';

/** `<host>:<pid>:<random>`: names the process in run rows and the scheduler lease. */
export const newExecutorId = (): string => `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

function executorOptions(config: Readonly<Config>, logger: Logger): ExecutorOptions {
  const alerts = alertOptionsFromConfig(config);
  return {
    executorId: newExecutorId(),
    leaseMs: config.scheduler.leaseMs,
    concurrency: config.scheduler.concurrency,
    poolLimits: { [LAKE_POOL]: config.scheduler.lakePoolSize },
    alerts: { cooldownMs: alerts.cooldownMs, webhooks: alerts.webhooks },
    onError: (err, job) =>
      logger.warn({ err, asset: job.asset, partition: job.partition }, 'attempt could not be recorded'),
    onAttempt: (message, fields) => logger.info(fields, message),
  };
}

/** The deployment's asset graph (orchestration/assets/builtin-assets.ts). */
export const graphFromConfig = (config: Readonly<Config>): AssetGraph => builtinGraph(config);

/** The deps with a batch lake reader per attempt (lake.batchMemoryLimitMb), unless given one. */
const withBatchReader = (config: Readonly<Config>, deps: AssetDeps): AssetDeps => ({
  ...deps,
  openBatchLake: deps.openBatchLake ?? (() => openLakeFromConfig(config, { reader: 'batch' })),
});

/** The scheduler of `run --role scheduler` and `start`. */
export function schedulerFromConfig(config: Readonly<Config>, deps: AssetDeps, logger: Logger): Scheduler {
  return new Scheduler(graphFromConfig(config), withBatchReader(config, deps), {
    ...executorOptions(config, logger),
    tickMs: config.scheduler.tickMs,
    heartbeatMs: config.scheduler.heartbeatMs,
    onEvent: (message, fields) => logger.info(fields, message),
    onTickError: (err) => logger.warn({ err }, 'scheduler tick failed'),
  });
}

/** An executor of `shopstream jobs run|backfill` (runs only the requests it queued). */
export function executorFromConfig(
  config: Readonly<Config>,
  deps: AssetDeps,
  logger: Logger,
  concurrency?: number,
): JobExecutor {
  const graph = graphFromConfig(config);
  const options = executorOptions(config, logger);
  const batchDeps = withBatchReader(config, deps);
  return new JobExecutor(graph, batchDeps, new VersionReader(graph, batchDeps, Date.now()), {
    ...options,
    concurrency: concurrency ?? options.concurrency,
  });
}
