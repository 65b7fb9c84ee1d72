import { STAGES } from '../../pipeline/processor/stage-timer.js';
import { figure, rate, type BenchScenario } from '../bench-result.js';
import { percentiles } from '../latency-percentiles.js';
import { LivePipeline } from '../live-pipeline.js';
import { RssSampler } from '../rss-sampler.js';

const DRAIN_TIMEOUT_MS = 30_000;

/**
 * `freshness`: steady realtime load (ratePerSec for durationS) through the running pipeline.
 * store: per event, commit time of the serving-DB transaction that made it visible - its ingest
 * reference (ingest-time-tracker.ts). stream: per SSE `kpis` update, arrival at the client - the
 * newest ingest reference it includes. Percentiles are nearest-rank over all events / updates.
 */
export const freshnessScenario: BenchScenario = {
  name: 'freshness',
  description: 'steady realtime load: event ingest -> KPI visible in the serving DB and on the live stream',
  async run(ctx) {
    const { durationS, ratePerSec } = ctx.options;
    const live = await LivePipeline.open(ctx);
    const sampler = new RssSampler();
    const processorStop = new AbortController();
    try {
      sampler.start();
      const processing = live.runProcessor(processorStop.signal);
      ctx.progress(`${ratePerSec} events/s for ${durationS} s`);
      const ticker = setInterval(
        () => ctx.progress(`appended ${live.appended}, committed ${live.tracker.committedRecords}`),
        10_000,
      );
      const traffic = await live
        .runTraffic(ctx, new AbortController().signal, durationS)
        .finally(() => clearInterval(ticker));
      const drained = await live.waitCommitted(traffic.written, DRAIN_TIMEOUT_MS);
      processorStop.abort();
      const stats = await processing;
      if (!drained)
        throw new Error(
          `processor did not commit the ${traffic.written} appended events within ${DRAIN_TIMEOUT_MS} ms after the load`,
        );
      const store = percentiles(live.tracker.lagsMs.toArray());
      const stream = percentiles(live.sse.lagsMs.toArray());
      const memory = sampler.stop();
      return {
        status: 'ok',
        figures: [
          rate('offeredEvents/s', (traffic.written * 1000) / traffic.elapsedMs),
          figure('storeP50', store.p50Ms, 'ms'),
          figure('storeP95', store.p95Ms, 'ms'),
          figure('storeP99', store.p99Ms, 'ms'),
          figure('storeMax', store.maxMs, 'ms'),
          figure('streamP50', stream.p50Ms, 'ms'),
          figure('streamP95', stream.p95Ms, 'ms'),
          figure('streamP99', stream.p99Ms, 'ms'),
          figure('streamUpdates', stream.count, 'count'),
          figure('peakRss', memory.peakRssMiB, 'MiB'),
          // Where a commit's latency goes: mean wall time per commit of each stage.
          figure('commits', stats.commits, 'count'),
          ...STAGES.map((stage) =>
            figure(`perCommitMs.${stage}`, stats.stageMs[stage] / Math.max(1, stats.commits), 'ms'),
          ),
        ],
        details: {
          events: traffic.written,
          commits: live.tracker.commits.length,
          store,
          stream,
          maxWaitMs: ctx.config.processor.maxWaitMs,
        },
      };
    } finally {
      processorStop.abort();
      sampler.stop();
      await live.close();
    }
  },
};
