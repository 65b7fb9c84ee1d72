import type { Command } from 'commander';
import {
  DEFAULT_BENCH_OPTIONS,
  SCENARIO_NAMES,
  parseScenarioList,
  renderBenchTable,
  runBench,
  scenarioCatalog,
  type BenchOptions,
} from '../../bench/index.js';
import { percentage, positiveNumber } from '../../bench/bench-options.js';
import type { CliContext } from '../cli-context.js';

interface BenchFlags {
  scenario: string[];
  events?: string;
  ceilingEvents?: string;
  ceilingMinMs?: string;
  durationS?: string;
  ratePerSec?: string;
  warmupS?: string;
  outageS?: string;
  collectorDurationS?: string;
  martsDays?: string;
  peersRounds?: string;
  invalidPct?: string;
  duplicatePct?: string;
  latePct?: string;
  resultsDir?: string;
  soakPollIntervalMs?: string;
  soakWarmupS?: string;
  json?: boolean;
}

export function registerBenchCommand(program: Command, ctx: CliContext): void {
  const d = DEFAULT_BENCH_OPTIONS;
  program
    .command('bench')
    .description(
      'Benchmark throughput, freshness and memory against the parsing ceiling (docs/benchmarks.md)',
    )
    .option(
      '--scenario <names>',
      `scenarios to run, repeatable or comma-separated: ${SCENARIO_NAMES.join(', ')}, all (every one but soak; ceiling always runs)`,
      collect,
      [],
    )
    .option('--events <n>', `pipeline scenarios: events pre-generated into the log (default ${d.events})`)
    .option('--ceiling-events <n>', `ceiling: distinct lines per pass (default ${d.ceilingEvents})`)
    .option(
      '--ceiling-min-ms <ms>',
      `ceiling: passes repeat for at least this long (default ${d.ceilingMinMs})`,
    )
    .option('--duration-s <s>', `freshness and soak: seconds of steady load (default ${d.durationS})`)
    .option(
      '--rate-per-sec <n>',
      `freshness and catch-up: steady load in events/s (default ${d.ratePerSec}); soak: flat traffic at it (default: the simulator's configured traffic)`,
    )
    .option(
      '--soak-poll-interval-ms <ms>',
      `soak: how often the dashboard routes are polled (default ${d.soakPollIntervalMs})`,
    )
    .option(
      '--soak-warmup-s <s>',
      `soak: RSS slope and CPU per event count after this (default ${d.soakWarmupS}, at most half the duration)`,
    )
    .option(
      '--warmup-s <s>',
      `catch-up: seconds of normal processing before the outage (default ${d.warmupS})`,
    )
    .option(
      '--outage-s <s>',
      `catch-up: seconds the processor is stopped under load (default ${d.outageS}; the issue's full size is 120)`,
    )
    .option('--collector-duration-s <s>', `collector: seconds of load (default ${d.collectorDurationS})`)
    .option(
      '--marts-days <n>',
      `marts: days of event time the events are spread over (default ${d.martsDays})`,
    )
    .option(
      '--peers-rounds <n>',
      `peers: interleaved rounds of shopstream, Spark and DuckDB; medians reported (default ${d.peersRounds})`,
    )
    .option('--invalid-pct <pct>', `share of invalid events (default ${d.invalidPct})`)
    .option('--duplicate-pct <pct>', `share of duplicate events (default ${d.duplicatePct})`)
    .option('--late-pct <pct>', `share of late events (default ${d.latePct})`)
    .option('--results-dir <dir>', `folder of the JSON results (default ${d.resultsDir})`)
    .option('--json', 'print the JSON report on stdout instead of the table')
    .action(async (flags: BenchFlags) => {
      const options = benchOptionsFromFlags(flags);
      const { report, file } = await runBench(options, {
        scenarios: scenarioCatalog(),
        config: ctx.config(),
        progress: (line) => ctx.stderr.write(`${line}\n`),
        cwd: process.cwd(),
      });
      ctx.stdout.write(
        flags.json === true ? JSON.stringify(report, null, 2) + '\n' : renderBenchTable(report),
      );
      ctx.stderr.write(`results written to ${file}\n`);
      if (report.scenarios.some((s) => s.status === 'failed')) process.exitCode = 1;
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Flags -> options; every malformed value is SHOP_CLI_BAD_ARGUMENT (exit code 2). */
function benchOptionsFromFlags(f: BenchFlags): BenchOptions {
  const d = DEFAULT_BENCH_OPTIONS;
  const int = (flag: string, v: string | undefined, def: number) =>
    v === undefined ? def : positiveNumber(flag, v, true);
  const num = (flag: string, v: string | undefined, def: number) =>
    v === undefined ? def : positiveNumber(flag, v, false);
  const pct = (flag: string, v: string | undefined, def: number) =>
    v === undefined ? def : percentage(flag, v);
  return {
    ...d,
    scenarios: parseScenarioList(f.scenario),
    events: int('--events', f.events, d.events),
    ceilingEvents: int('--ceiling-events', f.ceilingEvents, d.ceilingEvents),
    ceilingMinMs: int('--ceiling-min-ms', f.ceilingMinMs, d.ceilingMinMs),
    durationS: num('--duration-s', f.durationS, d.durationS),
    ratePerSec: int('--rate-per-sec', f.ratePerSec, d.ratePerSec),
    ratePerSecExplicit: f.ratePerSec !== undefined,
    soakPollIntervalMs: int('--soak-poll-interval-ms', f.soakPollIntervalMs, d.soakPollIntervalMs),
    soakWarmupS: num('--soak-warmup-s', f.soakWarmupS, d.soakWarmupS),
    warmupS: num('--warmup-s', f.warmupS, d.warmupS),
    outageS: num('--outage-s', f.outageS, d.outageS),
    collectorDurationS: num('--collector-duration-s', f.collectorDurationS, d.collectorDurationS),
    martsDays: int('--marts-days', f.martsDays, d.martsDays),
    peersRounds: int('--peers-rounds', f.peersRounds, d.peersRounds),
    invalidPct: pct('--invalid-pct', f.invalidPct, d.invalidPct),
    duplicatePct: pct('--duplicate-pct', f.duplicatePct, d.duplicatePct),
    latePct: pct('--late-pct', f.latePct, d.latePct),
    resultsDir: f.resultsDir ?? d.resultsDir,
  };
}
