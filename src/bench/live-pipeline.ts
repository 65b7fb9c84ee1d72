import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { buildApiServer } from '../api/build-api-server.js';
import { LiveFeed } from '../api/live/live-feed.js';
import {
  createSimulator,
  eventLogSink,
  runSimulation,
  type RunSimulationResult,
} from '../sources/simulator/index.js';
import { openBenchPipeline, type BenchPipeline } from './bench-pipeline.js';
import type { ProcessorStats } from '../pipeline/processor/stream-processor.js';
import type { ScenarioContext } from './bench-result.js';
import { benchSimulatorOptions } from './bench-traffic.js';
import { IngestTimeTracker } from './ingest-time-tracker.js';
import { SseLatencyClient } from './sse-latency-client.js';

/** Records per log append of the realtime simulator (it appends whatever is due, up to this). */
const TRAFFIC_BATCH_RECORDS = 5_000;
const TRAFFIC_POLL_MS = 10;

/**
 * The running embedded pipeline of freshness and catch-up, all in this process as `shopstream
 * start` runs it: realtime simulator -> embedded log -> processor -> PGlite; the API with its
 * LiveFeed on a loopback port and one SSE client connected to `/api/v1/stream`.
 */
export class LivePipeline {
  readonly tracker: IngestTimeTracker;
  readonly sse = new SseLatencyClient((committedAtMs) => this.tracker.newestIngestCommittedBy(committedAtMs));
  appended = 0;

  private constructor(
    readonly pipeline: BenchPipeline,
    private readonly app: FastifyInstance,
    private readonly feed: LiveFeed,
    trackResentIds: boolean,
  ) {
    this.tracker = new IngestTimeTracker({ trackResentIds });
  }

  static async open(ctx: ScenarioContext): Promise<LivePipeline> {
    const pipeline = await openBenchPipeline(ctx.config, ctx.workDir, 'embedded');
    const config = {
      ...pipeline.config,
      log: { ...pipeline.config.log, brokers: '' },
      api: { ...pipeline.config.api, readAuth: 'open' as const },
    };
    const feed = new LiveFeed();
    const app = await buildApiServer({
      store: pipeline.store,
      config,
      liveFeed: feed,
      pollStore: false,
      logger: false,
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    // Re-sent records are only recognised by remembering every committed event_id.
    const live = new LivePipeline(pipeline, app, feed, ctx.options.duplicatePct > 0);
    await live.sse.connect(port);
    return live;
  }

  /** The running processor's stats (undefined before the first `runProcessor`). */
  processorStats: (() => ProcessorStats) | undefined;

  /** A fresh processor (re-claims the partitions, as a restarted process) running until `signal`. */
  async runProcessor(signal: AbortSignal): Promise<ProcessorStats> {
    this.tracker.resetPending();
    const processor = this.pipeline.newProcessor({
      log: this.tracker.wrap(this.pipeline.log),
      onCommit: (info) => {
        this.tracker.onCommit(info);
        this.feed.publishCommit({ windowsTouched: info.windowsTouched, committedAt: info.committedAtMs });
      },
    });
    this.processorStats = () => processor.stats();
    await processor.start();
    await processor.run(signal);
    return processor.stats();
  }

  /** Realtime traffic at options.ratePerSec from now, for `durationS` (undefined = until `signal`). */
  runTraffic(ctx: ScenarioContext, signal: AbortSignal, durationS?: number): Promise<RunSimulationResult> {
    const sim = createSimulator(
      benchSimulatorOptions(ctx.options, {
        mode: 'realtime',
        startTimeMs: Date.now(),
        seed: 7,
        ...(durationS === undefined ? {} : { durationSec: durationS }),
      }),
    );
    return runSimulation(sim, eventLogSink(this.pipeline.log, this.pipeline.topic), {
      batchSize: TRAFFIC_BATCH_RECORDS,
      idleWaitMs: TRAFFIC_POLL_MS,
      signal,
      onProgress: (written) => (this.appended = written),
    });
  }

  /** Waits until the tracker saw `records` committed, at most `timeoutMs`; true when reached. */
  async waitCommitted(records: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.tracker.committedRecords < records) {
      if (Date.now() > deadline) return false;
      await sleep(50);
    }
    return true;
  }

  async close(): Promise<void> {
    this.sse.close();
    await this.app.close().catch(() => undefined);
    await this.pipeline.close();
  }
}
