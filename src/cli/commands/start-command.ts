import type { Command } from 'commander';
import type { Config } from '../../config/index.js';
import { RAW_TOPIC, type EventLog } from '../../log/event-log.js';
import { createLogger, type Logger } from '../../observability/logger.js';
import { createSimulator, eventLogSink, runSimulation } from '../../sources/simulator/index.js';
import type { CliContext } from '../cli-context.js';
import { composePipeline } from '../compose-pipeline.js';
import { openEventLog, retentionOf } from '../open-event-log.js';
import { openLakeFromConfig, openStoreFromConfig } from '../open-components.js';
import { startTracing } from '../../observability/tracing.js';
import { applyRuntimeSettings } from '../runtime-settings.js';
import { onShutdownSignal } from '../shutdown-signal.js';
import { simulatorOptionsFromConfig } from '../simulator-from-config.js';

export function registerStartCommand(program: Command, ctx: CliContext): void {
  program
    .command('start')
    .description(
      'Embedded all-in-one: simulated traffic, collector, processor, detector, API and live dashboard',
    )
    .option('--no-simulator', 'do not generate traffic (process what the collector and other sources append)')
    .action(async (opts: { simulator: boolean }) => {
      const config = ctx.config();
      applyRuntimeSettings(config);
      const tracing = await startTracing(config, 'start');
      const logger = createLogger('start');
      const log = await openEventLog(config, { mode: 'write' });
      await log.ensureTopic({
        name: RAW_TOPIC,
        partitions: config.log.partitions,
        replicationFactor: config.log.replicationFactor,
        ...retentionOf(config),
      });
      const store = await openStoreFromConfig(config);
      const lake = await openLakeFromConfig(config);
      const apiLake = await openLakeFromConfig(config, { reader: 'api' });
      const pipeline = await composePipeline({ config, log, store, lake, apiLake, logger });
      const abort = new AbortController();
      const off = onShutdownSignal(() => abort.abort());
      try {
        if (opts.simulator) await backfill(config, log, logger);
        const address = await pipeline.app.listen({ host: config.api.host, port: config.api.port });
        const url = address.replace('127.0.0.1', 'localhost');
        ctx.stdout.write(
          `shopstream is running: dashboard ${url}/  API docs ${url}/docs  collector ${url}/v1/events  (Ctrl+C to stop)\n`,
        );
        await Promise.all([
          pipeline.run(abort.signal),
          opts.simulator ? simulateLive(config, log, abort.signal) : Promise.resolve(),
        ]);
      } finally {
        off();
        abort.abort();
        await pipeline.app.close().catch(() => undefined);
        await Promise.allSettled([lake.close(), apiLake.close(), store.close()]);
        await log.close();
        await tracing.shutdown();
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
    simulatorOptionsFromConfig(config, {
      mode: 'batch',
      startTimeMs: now - minutes * 60_000,
      durationSec: minutes * 60,
    }),
  );
  const result = await runSimulation(sim, eventLogSink(log), { batchSize: 10_000, idleWaitMs: 50 });
  logger.info({ records: result.written, minutes }, 'backfilled simulated history');
}

/** Realtime simulated traffic at simulator.ratePerSec until `signal` aborts. */
async function simulateLive(config: Readonly<Config>, log: EventLog, signal: AbortSignal): Promise<void> {
  const sim = createSimulator(
    simulatorOptionsFromConfig(config, {
      mode: 'realtime',
      startTimeMs: Date.now(),
      seed: config.simulator.seed + 1,
    }),
  );
  await runSimulation(sim, eventLogSink(log), { batchSize: 5_000, idleWaitMs: 50, signal });
}
