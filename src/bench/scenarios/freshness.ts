import { STAGES } from '../../pipeline/processor/stage-timer.js';
import { figure, rate, type BenchScenario } from '../bench-result.js';
import { percentiles } from '../latency-percentiles.js';
import { LivePipeline } from '../live-pipeline.js';
import { rssSlopeMiBPerHour, sampleProcess, slopePerHour, type ProcessSample } from '../process-sampler.js';
import { RssSampler } from '../rss-sampler.js';

const DRAIN_TIMEOUT_MS = 30_000;
const RSS_SAMPLE_MS = 5_000;
/** The freshness target of issue 20: p99 of every minute within a second. */
const MINUTE_P99_TARGET_MS = 1_000;

interface MemorySample {
  readonly atMs: number;
  readonly heapUsedMiB: number;
  readonly heapTotalMiB: number;
  readonly externalMiB: number;
  readonly pgliteMiB: number;
  /** The dedupe state: hot table and sealed filters (memory), sealed tables (disk). */
  readonly dedupeMemoryMiB: number;
  readonly dedupeDiskMiB: number;
  /** What the lake writer's DuckDB buffer manager holds in memory (`Lake.memoryUsage`). */
  readonly duckdbMiB: number;
  /**
   * RSS minus both threads' heap totals and external memory and the DuckDB buffer manager:
   * DuckDB's other native allocations, allocator slack, code.
   */
  readonly otherMiB: number;
}

const MIB = 1_048_576;
const MEMORY_PARTS = [
  'heapUsedMiB',
  'externalMiB',
  'pgliteMiB',
  'dedupeMemoryMiB',
  'duckdbMiB',
  'otherMiB',
] as const;

async function memorySample(live: LivePipeline, s: ProcessSample): Promise<MemorySample> {
  const m = process.memoryUsage();
  const worker = await live.pipeline.store.workerMemory?.().catch(() => undefined);
  const pgliteMiB = worker === undefined ? 0 : (worker.heapTotalBytes + worker.externalBytes) / MIB;
  const dedupe = live.processorStats?.().dedupe;
  const duckdb = await live.pipeline.lake.memoryUsage().catch(() => []);
  const duckdbMiB = duckdb.reduce((sum, t) => sum + t.bytes, 0) / MIB;
  const round = (v: number): number => Math.round(v * 10) / 10;
  return {
    atMs: s.atMs,
    heapUsedMiB: round(m.heapUsed / MIB),
    heapTotalMiB: round(m.heapTotal / MIB),
    externalMiB: round(m.external / MIB),
    pgliteMiB: round(pgliteMiB),
    dedupeMemoryMiB: round(((dedupe?.memoryBytes ?? 0) + (dedupe?.sealedMemoryBytes ?? 0)) / MIB),
    dedupeDiskMiB: round((dedupe?.sealedDiskBytes ?? 0) / MIB),
    duckdbMiB: round(duckdbMiB),
    otherMiB: round(s.rssMiB - m.heapTotal / MIB - m.external / MIB - pgliteMiB - duckdbMiB),
  };
}

/**
 * `freshness`: steady realtime load (ratePerSec for durationS) through the running pipeline.
 * store: per event, commit time of the serving-DB transaction that made it visible - its ingest
 * reference (ingest-time-tracker.ts). stream: per SSE `kpis` update, arrival at the client - the
 * newest ingest reference it includes. Percentiles are nearest-rank over all events / updates;
 * `storeP99WorstMinute` is the highest p99 of one minute of commits (freshness "throughout" a
 * long run). This process's RSS is sampled every 5 s: its slope after the warm-up
 * (min(--soak-warmup-s, duration / 2)) tells whether memory stays flat under load. Without
 * duplicates in the traffic (`--duplicate-pct 0`) the bookkeeping holds no per-event state.
 */
export const freshnessScenario: BenchScenario = {
  name: 'freshness',
  description: 'steady realtime load: event ingest -> KPI visible in the serving DB and on the live stream',
  async run(ctx) {
    const { durationS, ratePerSec } = ctx.options;
    const live = await LivePipeline.open(ctx);
    const sampler = new RssSampler();
    const processorStop = new AbortController();
    const rss: ProcessSample[] = [];
    const parts: MemorySample[] = [];
    const rssTimer = setInterval(
      () =>
        void sampleProcess(process.pid).then(
          async (s) => {
            rss.push(s);
            parts.push(await memorySample(live, s));
          },
          () => undefined,
        ),
      RSS_SAMPLE_MS,
    );
    try {
      sampler.start();
      const startedAtMs = Date.now();
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
      clearInterval(rssTimer);
      rss.push(await sampleProcess(process.pid));
      const store = live.tracker.lags.percentiles();
      const minutes = [...live.tracker.lagsByMinute].map(([minuteMs, h]) => ({
        minute: new Date(minuteMs).toISOString(),
        ...h.percentiles(),
      }));
      const warmupS = Math.min(ctx.options.soakWarmupS, durationS / 2);
      const warm = rss.filter((s) => s.atMs - startedAtMs >= warmupS * 1000);
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
          figure('storeP99WorstMinute', Math.max(0, ...minutes.map((m) => m.p99Ms)), 'ms'),
          figure(
            'minutesOverP99Target',
            minutes.filter((m) => m.p99Ms > MINUTE_P99_TARGET_MS).length,
            'count',
          ),
          figure('peakRss', memory.peakRssMiB, 'MiB'),
          figure('rssAfterWarmup', warm[0]?.rssMiB ?? 0, 'MiB'),
          figure('rssEnd', warm.at(-1)?.rssMiB ?? 0, 'MiB'),
          figure('rssSlopeMiBPerHour', rssSlopeMiBPerHour(warm), 'MiB'),
          ...MEMORY_PARTS.map((part) =>
            figure(
              `memory.${part}.slopeMiBPerHour`,
              slopePerHour(
                parts.filter((m) => m.atMs - startedAtMs >= warmupS * 1000),
                (m) => m[part],
              ),
              'MiB',
            ),
          ),
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
          warmupS,
          minutes,
          rss: rss.map((s) => ({
            s: Math.round((s.atMs - startedAtMs) / 1000),
            rssMiB: Math.round(s.rssMiB),
          })),
          // Where the memory is, at each sample: this process's main-thread heap and external
          // memory, the PGlite worker (heap + WebAssembly memory), the dedupe state, the rest.
          memory: parts.map(({ atMs, ...m }) => ({ s: Math.round((atMs - startedAtMs) / 1000), ...m })),
        },
      };
    } finally {
      clearInterval(rssTimer);
      processorStop.abort();
      sampler.stop();
      await live.close();
    }
  },
};
