import type { Command } from 'commander';
import { LiveFeed } from '../../api/live/live-feed.js';
import { buildApiServer } from '../../api/build-api-server.js';
import type { PipelineStatusProvider } from '../../api/pipeline-status.js';
import { RAW_TOPIC, type EventLog } from '../../log/event-log.js';
import { createLogger, type Logger } from '../../observability/logger.js';
import { processorLake, processorStore } from '../../pipeline/processor/processor-adapters.js';
import { StreamProcessor } from '../../pipeline/processor/stream-processor.js';
import { createSimulator, eventLogSink, runSimulation } from '../../sources/simulator/index.js';
import type { Config } from '../../config/index.js';
import type { CliContext } from '../cli-context.js';
import { openEventLog, retentionOf } from '../open-event-log.js';
import { openLakeFromConfig, openStoreFromConfig, processorOptionsFromConfig } from '../open-components.js';
import { onShutdownSignal } from '../shutdown-signal.js';
import { simulatorOptionsFromConfig } from '../simulator-from-config.js';

export function registerStartCommand(program: Command, ctx: CliContext): void {
  program
    .command('start')
    .description('Embedded all-in-one: simulated traffic + processor + API and live dashboard, no servers needed')
    .option('--no-simulator', 'do not generate traffic (process what other sources append)')
    .action(async (opts: { simulator: boolean }) => {
      const config = ctx.config();
      const logger = createLogger('start');
      const log = await openEventLog(config, { mode: 'write' });
      await log.ensureTopic({ name: RAW_TOPIC, partitions: config.log.partitions, replicationFactor: config.log.replicationFactor, ...retentionOf(config) });
      const store = await openStoreFromConfig(config);
      const lake = await openLakeFromConfig(config);
      const liveFeed = new LiveFeed();
      const processor = new StreamProcessor(processorOptionsFromConfig(config), {
        log,
        lake: processorLake(lake),
        store: processorStore(store),
        onCommit: (c) => liveFeed.publishCommit({ windowsTouched: c.windowsTouched, committedAt: c.committedAtMs }),
        onEvent: (message, fields) => logger.info(fields, message),
      });
      const app = await buildApiServer({ store, config, liveFeed, status: statusProvider(log, processor), logger: false });
      const abort = new AbortController();
      const off = onShutdownSignal(() => abort.abort());
      try {
        if (opts.simulator) await backfill(config, log, logger);
        await processor.start();
        const address = await app.listen({ host: config.api.host, port: config.api.port });
        ctx.stdout.write(`shopstream is running: dashboard ${address.replace('127.0.0.1', 'localhost')}/  API docs ${address}/docs  (Ctrl+C to stop)\n`);
        await Promise.all([
          processor.run(abort.signal),
          opts.simulator ? simulateLive(config, log, abort.signal) : Promise.resolve(),
        ]);
      } finally {
        off();
        abort.abort();
        await app.close().catch(() => undefined);
        await Promise.allSettled([lake.close(), store.close()]);
        await log.close();
      }
    });
}

/** On an empty log, generate `simulator.backfillMinutes` of history so the dashboard has a past. */
async function backfill(config: Readonly<Config>, log: EventLog, logger: Logger): Promise<void> {
  const minutes = config.simulator.backfillMinutes;
  const topic = await log.describeTopic(RAW_TOPIC);
  if (minutes === 0 || (topic?.partitions ?? []).some((p) => p.nextOffset > 0)) return;
  const now = Date.now();
  const sim = createSimulator(
    simulatorOptionsFromConfig(config, { mode: 'batch', startTimeMs: now - minutes * 60_000, durationSec: minutes * 60 }),
  );
  const result = await runSimulation(sim, eventLogSink(log), { batchSize: 10_000, idleWaitMs: 50 });
  logger.info({ records: result.written, minutes }, 'backfilled simulated history');
}

/** Realtime simulated traffic at simulator.ratePerSec until `signal` aborts. */
async function simulateLive(config: Readonly<Config>, log: EventLog, signal: AbortSignal): Promise<void> {
  const sim = createSimulator(
    simulatorOptionsFromConfig(config, { mode: 'realtime', startTimeMs: Date.now(), seed: config.simulator.seed + 1 }),
  );
  await runSimulation(sim, eventLogSink(log), { batchSize: 5_000, idleWaitMs: 50, signal });
}

function statusProvider(log: EventLog, processor: StreamProcessor): PipelineStatusProvider {
  let last = { atMs: Date.now(), records: 0 };
  let rate = 0;
  return async () => {
    const info = await log.describeTopic(RAW_TOPIC);
    const now = Date.now();
    const records = processor.stats().recordsProcessed;
    if (now - last.atMs >= 1000) {
      rate = ((records - last.records) * 1000) / (now - last.atMs);
      last = { atMs: now, records };
    }
    return {
      partitions: (info?.partitions ?? []).map((p) => ({ topic: RAW_TOPIC, partition: p.partition, endOffset: p.nextOffset })),
      eventsPerSec: rate,
    };
  };
}
