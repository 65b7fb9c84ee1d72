import type { Command } from 'commander';
import { RAW_TOPIC } from '../../log/event-log.js';
import { createLogger } from '../../observability/logger.js';
import { processorLake, processorStore } from '../../pipeline/processor/processor-adapters.js';
import { StreamProcessor, type CommitInfo } from '../../pipeline/processor/stream-processor.js';
import type { Logger } from '../../observability/logger.js';
import type { CliContext } from '../cli-context.js';
import { openEventLog } from '../open-event-log.js';
import { openLakeFromConfig, openStoreFromConfig, processorOptionsFromConfig } from '../open-components.js';
import { onShutdownSignal } from '../shutdown-signal.js';

export function registerProcessCommand(program: Command, ctx: CliContext): void {
  program
    .command('process')
    .description('Run the stream processor: log -> Bronze, Silver + quarantine, exactly-once Gold KPIs')
    .option('--once', 'process everything in the log, finalize all windows, commit and exit 0')
    .option('--partitions <list>', 'comma-separated partitions to own (default: all)')
    .action(async (opts: { once?: boolean; partitions?: string }) => {
      const config = ctx.config();
      const logger = createLogger('processor');
      const log = await openEventLog(config, { mode: 'read' });
      const store = await openStoreFromConfig(config);
      const lake = await openLakeFromConfig(config);
      const partitions = opts.partitions?.split(',').map((p) => Number(p.trim()));
      const processor = new StreamProcessor(processorOptionsFromConfig(config, partitions), {
        log,
        lake: processorLake(lake),
        store: processorStore(store),
        onEvent: (message, fields) => logger.info(fields, message),
        onCommit: progressLogger(logger),
      });
      const startedAt = performance.now();
      try {
        if ((await log.describeTopic(RAW_TOPIC)) === undefined && opts.once) {
          ctx.stderr.write(`topic ${RAW_TOPIC} does not exist yet: nothing to process\n`);
          return;
        }
        await processor.start();
        if (opts.once) await processor.drain();
        else {
          const abort = new AbortController();
          const off = onShutdownSignal(() => abort.abort());
          await processor.run(abort.signal);
          off();
        }
      } finally {
        await Promise.allSettled([lake.close(), store.close(), log.close()]);
      }
      const stats = processor.stats();
      const seconds = (performance.now() - startedAt) / 1000;
      ctx.stderr.write(
        `processed ${stats.recordsProcessed} records in ${seconds.toFixed(1)} s ` +
          `(${Math.round(stats.recordsProcessed / seconds)} records/s, ${stats.commits} commits, ` +
          `peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB) stages ms ${JSON.stringify(stats.stageMs)}\n`,
      );
    });
}

/** Logs committed progress at most once a second (the first commit at once). */
function progressLogger(logger: Logger): (info: CommitInfo) => void {
  let committed = 0;
  let lastLogMs = 0;
  return (info) => {
    committed += info.records;
    if (info.committedAtMs - lastLogMs < 1000) return;
    lastLogMs = info.committedAtMs;
    logger.info({ committedRecords: committed, maxEventTime: info.maxEventTimeMs === null ? null : new Date(info.maxEventTimeMs).toISOString() }, 'progress');
  };
}
