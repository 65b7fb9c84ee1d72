import type { Command } from 'commander';
import { buildCustomerAnalytics, type CustomerAnalyticsResult } from '../../batch/customers/index.js';
import { customerAnalyticsOptionsOf } from '../../batch/customers/options-from-config.js';
import { parseDay } from '../../batch/marts/index.js';
import {
  clvSummary,
  cohortCells,
  latestClvRun,
  segmentStats,
} from '../../api/queries/customer-analytics-queries.js';
import type { ServingStore } from '../../store/serving-store.js';
import type { CliContext } from '../cli-context.js';
import { openStoreFromConfig } from '../open-components.js';

interface Flags {
  asOf?: string;
  json?: boolean;
}

const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;
const money = (v: number): string => v.toFixed(2);
type Printer = (
  ctx: CliContext,
  store: ServingStore,
  job: CustomerAnalyticsResult,
  json: boolean,
) => Promise<void>;

const printRfm: Printer = async (ctx, store, job, json) => {
  const stats = await segmentStats(
    store,
    job.run.asOfDay,
    job.segments.map((s) => s.segment),
  );
  if (json) return void ctx.stdout.write(JSON.stringify({ asOf: job.run.asOfDay, ...stats }, null, 2) + '\n');
  ctx.stdout.write(`RFM as of ${job.run.asOfDay}: ${stats.customers} customers\n`);
  for (const s of stats.segments)
    ctx.stdout.write(
      `${s.segment.padEnd(20)} ${String(s.customers).padStart(8)} ${pct(s.customerShare).padStart(7)} customers ${pct(s.revenueShare).padStart(7)} revenue  recency ${s.avgRecencyDays.toFixed(0).padStart(4)} d  orders ${s.avgFrequency.toFixed(2)}\n`,
    );
};

const printClv: Printer = async (ctx, store, job, json) => {
  const summary = await clvSummary(store, 10);
  const run = await latestClvRun(store);
  if (json) return void ctx.stdout.write(JSON.stringify({ run, ...summary }, null, 2) + '\n');
  const bg = job.run.bgNbd;
  const gg = job.run.gammaGamma;
  const p = (v: number | undefined) => (v === undefined ? '-' : v.toPrecision(6));
  ctx.stdout.write(
    `CLV as of ${job.run.asOfDay}: ${job.run.customers} customers, ${job.run.options.horizonMonths} months, ${pct(job.run.options.monthlyDiscountRate)} a month\n` +
      `BG/NBD  r=${p(bg.params?.r)} alpha=${p(bg.params?.alpha)} a=${p(bg.params?.a)} b=${p(bg.params?.b)} (days)  logL=${bg.fit.logLikelihood.toFixed(3)} iterations=${bg.fit.iterations} converged=${bg.fit.converged} ${bg.fit.elapsedMs.toFixed(0)} ms\n` +
      `GammaGamma p=${p(gg.params?.p)} q=${p(gg.params?.q)} v=${p(gg.params?.v)} on ${gg.fit.customers} repeat customers  logL=${gg.fit.logLikelihood.toFixed(3)} iterations=${gg.fit.iterations} converged=${gg.fit.converged} ${gg.fit.elapsedMs.toFixed(0)} ms\n` +
      `historical ${money(summary.totals.historicalClv)}  predicted ${money(summary.totals.predictedClv)}  mean ${money(summary.totals.meanPredictedClv)}  median ${money(summary.totals.medianPredictedClv)}\n`,
  );
  for (const c of summary.top)
    ctx.stdout.write(
      `${c.customerId.padEnd(24)} ${(c.segment ?? '-').padEnd(20)} orders ${String(c.orders).padStart(4)}  historical ${money(c.historicalClv).padStart(10)}  predicted ${money(c.predictedClv).padStart(10)}  P(alive) ${c.probabilityAlive.toFixed(3)}\n`,
    );
};

const printCohorts: Printer = async (ctx, store, _job, json) => {
  const { asOf, cohorts } = await cohortCells(store);
  if (json) return void ctx.stdout.write(JSON.stringify({ asOf, cohorts }, null, 2) + '\n');
  const byMonth = new Map<string, { size: number; cells: number[] }>();
  for (const c of cohorts) {
    const row = byMonth.get(c.cohortMonth) ?? { size: c.cohortSize, cells: [] };
    row.cells[c.monthsSince] = c.retention;
    byMonth.set(c.cohortMonth, row);
  }
  ctx.stdout.write(`cohort     customers  retention by month since the first order (0, 1, 2, ...)\n`);
  for (const [month, row] of byMonth)
    ctx.stdout.write(
      `${month.slice(0, 7)}  ${String(row.size).padStart(9)}  ${row.cells.map((v) => pct(v).padStart(6)).join(' ')}\n`,
    );
};

const printBuild: Printer = async (ctx, _store, job, json) => {
  if (json) return void ctx.stdout.write(JSON.stringify(job, null, 2) + '\n');
  ctx.stdout.write(
    `customer analytics as of ${job.run.asOfDay}: ${job.run.customers} customers, ${job.cohorts} cohort cells; run ${job.run.runId}; read ${job.elapsedMs.read.toFixed(0)} ms, compute ${job.elapsedMs.compute.toFixed(0)} ms, write ${job.elapsedMs.write.toFixed(0)} ms\n`,
  );
};

async function runAndPrint(ctx: CliContext, flags: Flags, print: Printer): Promise<void> {
  const config = ctx.config();
  const asOf =
    flags.asOf === undefined ? new Date().toISOString().slice(0, 10) : parseDay(flags.asOf, '--as-of');
  const store = await openStoreFromConfig(config);
  try {
    const job = await buildCustomerAnalytics({ asOf, store, options: customerAnalyticsOptionsOf(config) });
    await print(ctx, store, job, flags.json === true);
  } finally {
    await store.close();
  }
}

export function registerCustomersCommand(program: Command, ctx: CliContext): void {
  const customers = program
    .command('customers')
    .description(
      'Customer analytics over mart.fact_orders (after marts build): RFM, cohorts, CLV (docs/customer-analytics.md)',
    );
  const commands: [string, string, Printer][] = [
    ['build', 'Run the job: RFM snapshot, cohorts and CLV as of a day, stored in schema mart', printBuild],
    ['rfm', 'Run the job, then print the RFM segments (sizes, revenue shares)', printRfm],
    ['clv', 'Run the job, then print the fitted models, CLV totals and the top customers', printClv],
    ['cohorts', 'Run the job, then print the monthly cohort retention', printCohorts],
  ];
  for (const [name, description, print] of commands)
    customers
      .command(name)
      .description(description)
      .option('--as-of <date>', 'the as-of day (YYYY-MM-DD, UTC); default: today')
      .option('--json', 'print one JSON document')
      .action((flags: Flags) => runAndPrint(ctx, flags, print));
}
