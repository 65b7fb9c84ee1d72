import { alertEventSenderOf } from './alert-event-sender.js';
import { DetectorLoop, alertOptionsFromConfig } from '../alerts/index.js';
import type { Config } from '../config/index.js';
import { LiveFeed } from '../api/live/live-feed.js';
import { buildApiServer } from '../api/build-api-server.js';
import { RAW_TOPIC, type EventLog } from '../log/event-log.js';
import { createLogger } from '../observability/logger.js';
import { createSimulator, eventLogSink, runSimulation } from '../sources/simulator/index.js';
import type { CliContext } from './cli-context.js';
import { composePipeline } from './compose-pipeline.js';
import { openEventLog, retentionOf } from './open-event-log.js';
import { openLakeFromConfig, openStoreFromConfig } from './open-components.js';
import { schedulerFromConfig } from './open-orchestrator.js';
import { startOpsServer } from './ops-server.js';
import { runProcessorFromConfig } from './run-processor.js';
import { simulatorOptionsFromConfig } from './simulator-from-config.js';
import { withMartsPublisher } from './marts-publisher.js';

/**
 * The roles of `shopstream run` added for distributed mode (docs/distributed-mode.md). Each runs
 * until `signal` aborts, then closes what it opened. Entries of the ROLES table in run-command.ts.
 */

/** A processor: joins the processor group (processor.membership) and processes its share. */
export function runProcessorRole(
  config: Readonly<Config>,
  ctx: CliContext,
  signal: AbortSignal,
): Promise<void> {
  return runProcessorFromConfig(config, ctx, { signal, ops: true });
}

/** The API and dashboard alone, polling the serving store for the live stream. */
export async function runApiRole(
  config: Readonly<Config>,
  ctx: CliContext,
  signal: AbortSignal,
): Promise<void> {
  const store = await openStoreFromConfig(config);
  const lake = await openLakeFromConfig(config, { reader: 'api' });
  const ops = await startOpsServer(config, 'api', { store }, ctx).catch(async (err: unknown) => {
    await Promise.allSettled([lake.close(), store.close()]);
    throw err;
  });
  try {
    const app = await buildApiServer({
      store,
      lake,
      config,
      liveFeed: new LiveFeed(),
      pollStore: true,
      logger: false,
    });
    const address = await app.listen({ host: config.api.host, port: config.api.port });
    ctx.stdout.write(`api listening on ${address}\n`);
    await untilAborted(signal);
    await app.close();
  } finally {
    await Promise.allSettled([ops?.close(), lake.close(), store.close()]);
  }
}

/** Realtime simulated traffic at simulator.ratePerSec into the raw topic (created when missing). */
export async function runSimulatorRole(
  config: Readonly<Config>,
  ctx: CliContext,
  signal: AbortSignal,
): Promise<void> {
  const log = await openRawTopic(config);
  try {
    const sim = createSimulator(
      simulatorOptionsFromConfig(config, { mode: 'realtime', startTimeMs: Date.now() }),
    );
    ctx.stdout.write(`simulating ${config.simulator.ratePerSec} events/s into ${RAW_TOPIC}\n`);
    const result = await runSimulation(sim, eventLogSink(log), { batchSize: 5_000, idleWaitMs: 50, signal });
    ctx.stderr.write(`simulated ${result.written} records\n`);
  } finally {
    await log.close();
  }
}

/**
 * Everything in one process on the configured log and store, like `start` without the backfill:
 * simulator, collector, processor (owning every partition: run no other processor beside it),
 * detector, API and dashboard.
 */
export async function runAllRole(
  config: Readonly<Config>,
  ctx: CliContext,
  signal: AbortSignal,
): Promise<void> {
  const logger = createLogger('all');
  const log = await openRawTopic(config);
  const store = await openStoreFromConfig(config);
  const lake = await openLakeFromConfig(config);
  const apiLake = await openLakeFromConfig(config, { reader: 'api' });
  try {
    const pipeline = await composePipeline({ config, log, store, lake, apiLake, logger });
    const address = await pipeline.app.listen({ host: config.api.host, port: config.api.port });
    ctx.stdout.write(`shopstream (all roles) listening on ${address}\n`);
    const sim = createSimulator(
      simulatorOptionsFromConfig(config, { mode: 'realtime', startTimeMs: Date.now() }),
    );
    await Promise.all([
      pipeline.run(signal),
      runSimulation(sim, eventLogSink(log), { batchSize: 5_000, idleWaitMs: 50, signal }),
    ]);
    await pipeline.app.close();
  } finally {
    await Promise.allSettled([lake.close(), apiLake.close(), store.close()]);
    await log.close();
  }
}

async function openRawTopic(config: Readonly<Config>): Promise<EventLog> {
  const log = await openEventLog(config, { mode: 'write' });
  try {
    await log.ensureTopic({
      name: RAW_TOPIC,
      partitions: config.log.partitions,
      replicationFactor: config.log.replicationFactor,
      ...retentionOf(config),
    });
  } catch (err) {
    await log.close();
    throw err;
  }
  return log;
}

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) =>
    signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true }),
  );
}

/** The anomaly detector alone: rules over the serving store on its interval, webhook deliveries. */
export async function runDetectorRole(
  config: Readonly<Config>,
  ctx: CliContext,
  signal: AbortSignal,
): Promise<void> {
  const logger = createLogger('detector');
  const store = await openStoreFromConfig(config);
  // Alert events to the log need a writer (Kafka; the embedded log only in `start`).
  const log = await openEventLog(config, { mode: config.alerts.publishTopic ? 'write' : 'read' });
  const ops = await startOpsServer(config, 'detector', { store, log }, ctx).catch(async (err: unknown) => {
    await Promise.allSettled([store.close(), log.close()]);
    throw err;
  });
  try {
    const detector = new DetectorLoop({
      store,
      options: alertOptionsFromConfig(config),
      topic: RAW_TOPIC,
      log,
      sendEvent: alertEventSenderOf(config, () => Promise.resolve(log)),
      onError: (err) => logger.warn({ err }, 'detector pass failed'),
    });
    ctx.stdout.write('detector running\n');
    await detector.run(signal);
  } finally {
    await Promise.allSettled([ops?.close(), store.close(), log.close()]);
  }
}

/**
 * The asset orchestrator (docs/orchestration.md): one active scheduler per deployment (a lease in
 * the serving DB); any further one waits as a standby and takes over when the lease expires.
 */
export async function runSchedulerRole(
  config: Readonly<Config>,
  ctx: CliContext,
  signal: AbortSignal,
): Promise<void> {
  const logger = createLogger('scheduler');
  const store = await openStoreFromConfig(config);
  const lake = await openLakeFromConfig(config);
  const ops = await startOpsServer(config, 'scheduler', { store }, ctx).catch(async (err: unknown) => {
    await Promise.allSettled([lake.close(), store.close()]);
    throw err;
  });
  try {
    await withMartsPublisher(config, async (martsPublisher) => {
      const scheduler = schedulerFromConfig(config, { store, lake, config, martsPublisher }, logger);
      ctx.stdout.write('scheduler running\n');
      await scheduler.run(signal);
    });
  } finally {
    await Promise.allSettled([ops?.close(), lake.close(), store.close()]);
  }
}
