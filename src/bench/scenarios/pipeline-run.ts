import { performance } from 'node:perf_hooks';
import { STAGES } from '../../pipeline/processor/stage-timer.js';
import {
  createSimulator,
  eventLogSink,
  runSimulation,
  type SimulatorOptions,
} from '../../sources/simulator/index.js';
import type { BenchPipeline } from '../bench-pipeline.js';
import {
  figure,
  rate,
  type BenchFigure,
  type ScenarioContext,
  type ScenarioOutcome,
} from '../bench-result.js';
import { BATCH_START_TIME_MS, benchSimulatorOptions } from '../bench-traffic.js';
import { RssSampler } from '../rss-sampler.js';

const APPEND_BATCH_RECORDS = 10_000;

/**
 * pipeline-embedded / pipeline-kafka: `events` records (the fault mix of bench-traffic.ts) are
 * appended to the pipeline's log first (not timed), then one processor drains the log until
 * everything is committed to Bronze, Silver, quarantine and Gold (windows finalized). Timed: the
 * drain alone. Stage times are the processor's wall-clock sums: read + transform of batch N+1 run
 * on this thread while batch N's lake write and commit run (mostly on DuckDB's and the database's
 * threads), so shares overlap and do not add up to 100 %; the largest share is the bottleneck.
 * Fails when the processor committed a different number of records than were appended.
 */
export async function runPipelineBenchmark(
  ctx: ScenarioContext,
  pipeline: BenchPipeline,
): Promise<ScenarioOutcome> {
  const generated = await fillLog(ctx, pipeline);
  const processor = pipeline.newProcessor({ onCommit: committedProgress(ctx, generated.records) });
  await processor.start();
  const sampler = new RssSampler();
  sampler.start();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const committed = await processor.drain();
  const elapsedMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const memory = sampler.stop();
  if (committed !== generated.records) {
    throw new Error(`processor committed ${committed} records, ${generated.records} were appended`);
  }
  const stats = processor.stats();
  const cpuSec = (cpu.user + cpu.system) / 1e6;
  const stageFigures = STAGES.flatMap((s): BenchFigure[] => [
    figure(`stageMs.${s}`, stats.stageMs[s], 'ms'),
    figure(`stageShare.${s}`, (stats.stageMs[s] * 100) / elapsedMs, '%'),
  ]);
  return {
    status: 'ok',
    figures: [
      rate('events/s', (committed * 1000) / elapsedMs),
      figure('events/cpu-s', committed / cpuSec, 'events/cpu-s'),
      figure('elapsed', elapsedMs / 1000, 's'),
      figure('peakRss', memory.peakRssMiB, 'MiB'),
      figure('maxRssProcess', memory.maxRssMiB, 'MiB'),
      ...stageFigures,
    ],
    details: {
      events: committed,
      generateMs: Math.round(generated.elapsedMs),
      commits: stats.commits,
      cycles: stats.cycles,
      cpuUserMs: Math.round(cpu.user / 1000),
      cpuSystemMs: Math.round(cpu.system / 1000),
      partitions: pipeline.config.log.partitions,
      maxBatchRecords: pipeline.config.processor.maxBatchRecords,
      logFsync: pipeline.config.log.fsync,
      lakeCompression: pipeline.config.lake.compression,
      lakeFsync: pipeline.config.lake.fsync,
    },
  };
}

/** Appends `events` generated records (the bench fault mix; `overrides` e.g. a rate) to the pipeline's log. */
export async function fillLog(
  ctx: ScenarioContext,
  pipeline: BenchPipeline,
  overrides: Partial<SimulatorOptions> = {},
): Promise<{ records: number; elapsedMs: number }> {
  const { events } = ctx.options;
  const sim = createSimulator(
    benchSimulatorOptions(ctx.options, {
      mode: 'batch',
      startTimeMs: BATCH_START_TIME_MS,
      count: events,
      ...overrides,
    }),
  );
  ctx.progress(`appending ${events} generated events to the log (not timed)`);
  let lastMs = 0;
  const result = await runSimulation(sim, eventLogSink(pipeline.log, pipeline.topic), {
    batchSize: APPEND_BATCH_RECORDS,
    idleWaitMs: 10,
    onProgress: (written) => {
      if (Date.now() - lastMs < 5_000) return;
      lastMs = Date.now();
      ctx.progress(`appended ${written}/${events}`);
    },
  });
  ctx.progress(`appended ${result.written} in ${(result.elapsedMs / 1000).toFixed(1)} s; processing`);
  return { records: result.written, elapsedMs: result.elapsedMs };
}

function committedProgress(ctx: ScenarioContext, total: number): (info: { records: number }) => void {
  let committed = 0;
  let lastMs = Date.now();
  return (info) => {
    committed += info.records;
    if (Date.now() - lastMs < 5_000) return;
    lastMs = Date.now();
    ctx.progress(`committed ${committed}/${total}`);
  };
}
