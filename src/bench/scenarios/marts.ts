import { buildMarts, type MartBuild } from '../../batch/marts/index.js';
import { reconcileMartsWithGold } from '../../batch/marts/reconcile-with-gold.js';
import { martOptionsOf } from '../../cli/commands/marts-command.js';
import { openBenchPipeline } from '../bench-pipeline.js';
import { figure, rate, type BenchFigure, type BenchScenario } from '../bench-result.js';
import { BATCH_START_TIME_MS } from '../bench-traffic.js';
import { fillLog } from './pipeline-run.js';

const DAY_MS = 86_400_000;
const modelMs = (b: MartBuild): BenchFigure[] => [
  ...b.models.map((m) => figure(`modelMs.${m.model}`, m.elapsedMs, 'ms')),
  figure('warehouseComputeMs', b.warehouseComputeMs, 'ms'),
];

/**
 * `marts`: `events` generated records spread evenly over `martsDays` days of event time (flat
 * traffic, the bench fault mix) are processed into Silver and Gold (not timed); then timed:
 *   1. the first `marts build` (every day model's days, the warehouse, publish to PGlite + lake):
 *      events/s = Silver events / build seconds, secondsPerDay = build seconds / martsDays (late
 *      and out-of-order events may add a sliver of a neighbouring day);
 *   2. a forced rebuild of one day (`--from D --to D`): what a late event costs;
 *   3. an idle build (nothing stale).
 * Fails when the build fails a model test or the marts do not reconcile with Gold per day.
 */
export const martsScenario: BenchScenario = {
  name: 'marts',
  description:
    'generated events -> Silver/Gold (not timed) -> marts build (day models + warehouse, published)',
  async run(ctx) {
    const { events, martsDays } = ctx.options;
    const pipeline = await openBenchPipeline(ctx.config, ctx.workDir, 'embedded');
    try {
      await fillLog(ctx, pipeline, { ratePerSec: events / (martsDays * 86_400) });
      const processor = pipeline.newProcessor();
      await processor.start();
      const silver = await processor.drain();
      const deps = { lake: pipeline.lake, store: pipeline.store, options: martOptionsOf(pipeline.config) };
      ctx.progress(`processed ${silver} records over ${martsDays} day(s); building the marts`);
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const first = await buildMarts(deps);
      const buildS = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      if (first.status !== 'ok') throw new Error(`marts build failed: ${JSON.stringify(first.failures)}`);
      const [silverEvents] = await pipeline.store.query<{ n: number }>(
        `SELECT sum(silver_rows)::float8 AS n FROM serving.partition_accounting`,
      );
      const recon = await reconcileMartsWithGold(pipeline.store);
      if (recon.mismatches.length > 0)
        throw new Error(`marts differ from Gold: ${JSON.stringify(recon.mismatches.slice(0, 5))}`);
      const day = new Date(BATCH_START_TIME_MS + Math.floor(martsDays / 2) * DAY_MS)
        .toISOString()
        .slice(0, 10);
      const t1 = performance.now();
      await buildMarts(deps, { fromDay: day, toDay: day });
      const dayRebuildS = (performance.now() - t1) / 1000;
      const t2 = performance.now();
      await buildMarts(deps);
      const idleS = (performance.now() - t2) / 1000;
      const n = Number(silverEvents?.n ?? 0);
      return {
        status: 'ok',
        figures: [
          rate('events/s', n / buildS),
          figure('build', buildS, 's'),
          figure('secondsPerDay', buildS / martsDays, 's'),
          figure('dayRebuild', dayRebuildS, 's'),
          figure('idleBuild', idleS, 's'),
          figure('cpuSeconds', (cpu.user + cpu.system) / 1e6, 's'),
          ...modelMs(first),
        ],
        details: {
          silverEvents: n,
          days: recon.days,
          reconciledDays: recon.days,
          rebuiltDay: day,
          tests: first.tests,
        },
      };
    } finally {
      await pipeline.close();
    }
  },
};
