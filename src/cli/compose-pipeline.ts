import { alertEventSenderOf } from './alert-event-sender.js';
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { registerLakeMemory } from '../observability/lake-memory.js';
import { registerStoreWorkerMemory } from '../observability/store-worker-memory.js';
import { DetectorLoop, alertOptionsFromConfig } from '../alerts/index.js';
import { buildApiServer } from '../api/build-api-server.js';
import { LiveFeed } from '../api/live/live-feed.js';
import type { PipelineStatusProvider } from '../api/pipeline-status.js';
import type { Config } from '../config/index.js';
import type { Lake } from '../lake/index.js';
import { RAW_TOPIC, type EventLog } from '../log/event-log.js';
import type { Logger } from '../observability/logger.js';
import {
  ProcessorMetricsAdapter,
  applyPipelineStatus,
  recordDelivery,
} from '../observability/processor-metrics.js';
import { createShopMetrics } from '../observability/shop-metrics.js';
import { readPipelineStatus } from '../pipeline/processor/pipeline-status.js';
import { processorLake, processorStore } from '../pipeline/processor/processor-adapters.js';
import { StreamProcessor } from '../pipeline/processor/stream-processor.js';
import {
  CLEAN_TOPIC,
  QUARANTINE_TOPIC,
  downstreamPublisher,
} from '../pipeline/processor/downstream-publisher.js';
import { collectorDepsFromConfig, collectorPlugin } from '../sources/collector/index.js';
import type { ServingStore } from '../store/index.js';
import { processorOptionsFromConfig } from './open-components.js';
import { schedulerFromConfig } from './open-orchestrator.js';
import { ensureProcessedTopics } from './open-event-log.js';
import { martsPublisherOf } from './marts-publisher.js';

export interface PipelineParts {
  readonly config: Readonly<Config>;
  readonly log: EventLog;
  readonly store: ServingStore;
  /** The processor's lake (writes, compaction, DQ). */
  readonly lake: Lake;
  /** The API's lake reader: its own DuckDB instance, memory-limited, with a statement timeout. */
  readonly apiLake: Lake;
  readonly logger: Logger;
}

export interface ComposedPipeline {
  /** API, dashboard, collector, /metrics and /ready; not yet listening. */
  readonly app: FastifyInstance;
  readonly processor: StreamProcessor;
  /** Claims partitions and recovers (step 0), then runs processor and detector until `signal` aborts. */
  run(signal: AbortSignal): Promise<void>;
}

/**
 * Wires one process that processes, detects and serves: processor -> live feed -> API (SSE), the
 * detector on every commit and on its own interval, metrics from commits and from the store, and
 * the HTTP collector on the same server, and the asset scheduler (DQ, compaction, marts). Used by `start` (embedded) and `run --role all`.
 */
export async function composePipeline(parts: PipelineParts): Promise<ComposedPipeline> {
  const { config, log, store, lake, apiLake, logger } = parts;
  const liveFeed = new LiveFeed();
  const registry = new Registry();
  // Node's process_* / nodejs_* series (heap, external memory, event loop lag, GC) beside ours.
  collectDefaultMetrics({ register: registry });
  const metrics = createShopMetrics(registry);
  registerStoreWorkerMemory(registry, store);
  registerLakeMemory(registry, { writer: lake, api: apiLake });
  const detector = new DetectorLoop({
    store,
    options: alertOptionsFromConfig(config),
    topic: RAW_TOPIC,
    log,
    sendEvent: alertEventSenderOf(config, () => Promise.resolve(log)),
    onAlert: (id) => liveFeed.publishAlert({ id }),
    onDelivery: (attempt) => recordDelivery(metrics, attempt),
    onError: (err) => logger.warn({ err }, 'detector pass failed'),
  });
  if (config.processor.publishDownstream)
    await ensureProcessedTopics(log, config, [CLEAN_TOPIC, QUARANTINE_TOPIC]);
  const processor: StreamProcessor = new StreamProcessor(processorOptionsFromConfig(config), {
    log,
    lake: processorLake(lake),
    store: processorStore(store),
    ...(config.processor.publishDownstream
      ? { publishDownstream: downstreamPublisher(log, config.log.partitions) }
      : {}),
    onCommit: (c) => {
      liveFeed.publishCommit({ windowsTouched: c.windowsTouched, committedAt: c.committedAtMs });
      processorMetrics.onCommit(c);
      detector.notifyCommit();
    },
    onEvent: (message, fields) => logger.info(fields, message),
  });
  const processorMetrics = new ProcessorMetricsAdapter(metrics, () => processor.stats());
  const app = await buildApiServer({
    store,
    lake: apiLake,
    config,
    liveFeed,
    status: statusProvider(log, processor),
    logger: false,
    metrics: {
      metrics,
      refresh: async () =>
        applyPipelineStatus(metrics, await readPipelineStatus(store, log, RAW_TOPIC, Date.now())),
      readiness: { store: () => store.ping(), log: async () => void (await log.describeTopic(RAW_TOPIC)) },
    },
  });
  await app.register(collectorPlugin, collectorDepsFromConfig(config, log, logger));
  // The data-quality suite, lake compaction and the marts run as assets of the orchestrator.
  const martsPublisher = martsPublisherOf(config, async () => log);
  const scheduler = schedulerFromConfig(config, { store, lake, config, martsPublisher }, logger);
  return {
    app,
    processor,
    async run(signal) {
      await processor.start();
      await Promise.all([processor.run(signal), detector.run(signal), scheduler.run(signal)]);
    },
  };
}

/** Lag (log end offsets) and events/s of the in-process processor, for the API's pipeline panel. */
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
      partitions: (info?.partitions ?? []).map((p) => ({
        topic: RAW_TOPIC,
        partition: p.partition,
        endOffset: p.nextOffset,
      })),
      eventsPerSec: rate,
    };
  };
}
