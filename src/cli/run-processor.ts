import type { Config } from '../config/index.js';
import { RAW_TOPIC } from '../log/event-log.js';
import { createLogger, type Logger } from '../observability/logger.js';
import { ProcessorMetricsAdapter } from '../observability/processor-metrics.js';
import { ProcessorGroup } from '../pipeline/membership/index.js';
import { processorLake, processorStore } from '../pipeline/processor/processor-adapters.js';
import { StreamProcessor, type CommitInfo } from '../pipeline/processor/stream-processor.js';
import {
  CLEAN_TOPIC,
  QUARANTINE_TOPIC,
  downstreamPublisher,
} from '../pipeline/processor/downstream-publisher.js';
import type { CliContext } from './cli-context.js';
import { ensureProcessedTopics, openEventLog } from './open-event-log.js';
import { openLakeFromConfig, openStoreFromConfig, processorOptionsFromConfig } from './open-components.js';
import { startOpsServer, type OpsServer } from './ops-server.js';

export interface ProcessorRunOptions {
  /** Drain the log, finalize every window, return (no group membership). */
  readonly once?: boolean;
  /** Static ownership of these partitions (no group membership). */
  readonly partitions?: readonly number[];
  readonly signal: AbortSignal;
  /** Serve the operations endpoint (`run --role processor`, when ops.enabled). */
  readonly ops?: boolean;
}

/**
 * Group membership is used by a long-running processor without --partitions when
 * processor.membership is `on`, or `auto` with a PostgreSQL store (several processes can share it).
 */
export function usesMembership(
  config: Readonly<Config>,
  options: Omit<ProcessorRunOptions, 'signal'>,
): boolean {
  if (options.once === true || options.partitions !== undefined) return false;
  const mode = config.processor.membership;
  return mode === 'on' || (mode === 'auto' && config.store.url.trim() !== '');
}

/** `process` and `run --role processor`: composes log, lake, store and processor, runs, closes. */
export async function runProcessorFromConfig(
  config: Readonly<Config>,
  ctx: CliContext,
  options: ProcessorRunOptions,
): Promise<void> {
  const logger = createLogger('processor');
  const publish = config.processor.publishDownstream;
  const log = await openEventLog(config, { mode: publish ? 'write' : 'read' });
  const store = await openStoreFromConfig(config).catch(async (err: unknown) => {
    await log.close();
    throw err;
  });
  const lake = await openLakeFromConfig(config).catch(async (err: unknown) => {
    await Promise.allSettled([store.close(), log.close()]);
    throw err;
  });
  let ops: OpsServer | undefined;
  try {
    if (options.ops === true)
      ops = await startOpsServer(config, 'processor', { store, log, pipelineStatus: true }, ctx);
  } catch (err) {
    await Promise.allSettled([lake.close(), store.close(), log.close()]);
    throw err;
  }
  const processorOptions = processorOptionsFromConfig(config, options.partitions);
  const onEvent = (message: string, fields: Record<string, unknown>) => logger.info(fields, message);
  const group = usesMembership(config, options)
    ? new ProcessorGroup(
        {
          group: config.processor.consumerGroup,
          topic: processorOptions.topic,
          memberId: processorOptions.owner,
          heartbeatIntervalMs: config.processor.heartbeatIntervalMs,
          leaseMs: config.processor.memberLeaseMs,
        },
        { store, onEvent },
      )
    : undefined;
  if (publish) await ensureProcessedTopics(log, config, [CLEAN_TOPIC, QUARANTINE_TOPIC]);
  const processor: StreamProcessor = new StreamProcessor(processorOptions, {
    log,
    lake: processorLake(lake),
    store: processorStore(store),
    onEvent,
    onCommit: commitObservers(
      progressLogger(logger),
      ops && new ProcessorMetricsAdapter(ops.metrics, () => processor.stats()),
    ),
    ...(publish ? { publishDownstream: downstreamPublisher(log, config.log.partitions) } : {}),
    ...(group === undefined ? {} : { mayWrite: group.mayWrite }),
  });
  const startedAt = performance.now();
  try {
    if (options.once && (await log.describeTopic(RAW_TOPIC)) === undefined) {
      ctx.stderr.write(`topic ${RAW_TOPIC} does not exist yet: nothing to process\n`);
      return;
    }
    if (group !== undefined) {
      logger.info(
        { memberId: processorOptions.owner, group: config.processor.consumerGroup },
        'joining the processor group',
      );
      await group.run(processor, options.signal);
    } else {
      await processor.start();
      if (options.once) await processor.drain();
      else await processor.run(options.signal);
    }
  } finally {
    await Promise.allSettled([ops?.close(), lake.close(), store.close(), log.close()]);
  }
  const stats = processor.stats();
  const seconds = (performance.now() - startedAt) / 1000;
  ctx.stderr.write(
    `processed ${stats.recordsProcessed} records in ${seconds.toFixed(1)} s ` +
      `(${Math.round(stats.recordsProcessed / seconds)} records/s, ${stats.commits} commits, ` +
      `peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB) stages ms ${JSON.stringify(stats.stageMs)}\n`,
  );
}

function commitObservers(
  log: (info: CommitInfo) => void,
  metrics: ProcessorMetricsAdapter | undefined,
): (info: CommitInfo) => void {
  return metrics === undefined
    ? log
    : (info) => {
        log(info);
        metrics.onCommit(info);
      };
}

/** Logs committed progress at most once a second (the first commit at once). */
function progressLogger(logger: Logger): (info: CommitInfo) => void {
  let committed = 0;
  let lastLogMs = 0;
  return (info) => {
    committed += info.records;
    if (info.committedAtMs - lastLogMs < 1000) return;
    lastLogMs = info.committedAtMs;
    logger.info(
      {
        committedRecords: committed,
        maxEventTime: info.maxEventTimeMs === null ? null : new Date(info.maxEventTimeMs).toISOString(),
      },
      'progress',
    );
  };
}
