import { ShopError } from '../errors/index.js';

export const SCENARIO_NAMES = [
  'ceiling',
  'pipeline-embedded',
  'pipeline-kafka',
  'freshness',
  'catch-up',
  'collector',
  'marts',
  'soak',
  'peers',
] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** Scenarios `all` does not include: soak runs for as long as it is told (hours, at full size); peers
 * needs Java and the peers' Python packages (scripts/peers/install.sh) and runs Spark's JVM per round. */
const ON_REQUEST_ONLY: readonly ScenarioName[] = ['soak', 'peers'];

/** Sizes of one benchmark run. The defaults keep `npm run bench` within about five minutes. */
export interface BenchOptions {
  /** Scenarios to run, in SCENARIO_NAMES order; `ceiling` always runs (every rate is a ratio to it). */
  readonly scenarios: readonly ScenarioName[];
  /** pipeline-embedded / pipeline-kafka: events pre-generated into the log. */
  readonly events: number;
  /** ceiling: distinct lines validated per pass (passes repeat for at least ceilingMinMs). */
  readonly ceilingEvents: number;
  readonly ceilingMinMs: number;
  /** freshness: how long the steady load runs. */
  readonly durationS: number;
  /** freshness and catch-up (and soak, when given): steady simulated load, events per second. */
  readonly ratePerSec: number;
  /** soak: --rate-per-sec was given (flat traffic at it); else the simulator's configured traffic. */
  readonly ratePerSecExplicit: boolean;
  /** soak: how often the dashboard's routes are polled. */
  readonly soakPollIntervalMs: number;
  /** soak: RSS slope and CPU per event are measured after this (at most half the duration). */
  readonly soakWarmupS: number;
  /** catch-up: processor running before the outage. */
  readonly warmupS: number;
  /** catch-up: how long the processor is stopped under load (the full size is 120). */
  readonly outageS: number;
  /** catch-up: recovered when every event of a commit is visible within this. */
  readonly recoveredFreshnessMs: number;
  /** collector: how long the loopback load generator posts. */
  readonly collectorDurationS: number;
  /** marts: the `events` are spread evenly over this many days of event time. */
  readonly martsDays: number;
  /** peers: interleaved rounds (shopstream, Spark, DuckDB); the figures are the medians. */
  readonly peersRounds: number;
  /** Fault mix of generated traffic, percent of records. */
  readonly invalidPct: number;
  readonly duplicatePct: number;
  readonly latePct: number;
  /** Folder of the JSON results (created when missing). */
  readonly resultsDir: string;
}

export const DEFAULT_BENCH_OPTIONS: BenchOptions = Object.freeze({
  scenarios: SCENARIO_NAMES,
  events: 500_000,
  ceilingEvents: 200_000,
  ceilingMinMs: 3_000,
  durationS: 60,
  ratePerSec: 10_000,
  ratePerSecExplicit: false,
  soakPollIntervalMs: 5_000,
  soakWarmupS: 600,
  warmupS: 10,
  outageS: 30,
  recoveredFreshnessMs: 1_000,
  collectorDurationS: 10,
  martsDays: 1,
  peersRounds: 3,
  invalidPct: 2,
  duplicatePct: 1,
  latePct: 0.5,
  resultsDir: 'bench-results',
});

/** `--scenario a,b --scenario c` -> the known names in run order; ceiling is always included. */
export function parseScenarioList(values: readonly string[]): ScenarioName[] {
  const asked = new Set<string>(
    values
      .flatMap((v) => v.split(','))
      .map((v) => v.trim())
      .filter((v) => v !== ''),
  );
  const every = SCENARIO_NAMES.filter((n) => !ON_REQUEST_ONLY.includes(n));
  if (asked.size === 0 || (asked.has('all') && asked.size === 1)) return every;
  if (asked.has('all')) for (const n of every) asked.add(n);
  asked.delete('all');
  for (const name of asked) {
    if (!(SCENARIO_NAMES as readonly string[]).includes(name)) {
      throw new ShopError(
        'SHOP_CLI_BAD_ARGUMENT',
        `unknown scenario '${name}' (known: ${SCENARIO_NAMES.join(', ')}, all)`,
      );
    }
  }
  asked.add('ceiling');
  return SCENARIO_NAMES.filter((n) => asked.has(n));
}

/** A positive number from a flag, else SHOP_CLI_BAD_ARGUMENT naming the flag. */
export function positiveNumber(flag: string, text: string, integer: boolean): number {
  const value = Number(text);
  const ok =
    text.trim() !== '' && Number.isFinite(value) && value > 0 && (!integer || Number.isSafeInteger(value));
  if (!ok)
    throw new ShopError(
      'SHOP_CLI_BAD_ARGUMENT',
      `${flag} must be a positive ${integer ? 'integer' : 'number'}, got '${text}'`,
    );
  return value;
}

/** A percentage flag in 0..100. */
export function percentage(flag: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > 100) {
    throw new ShopError('SHOP_CLI_BAD_ARGUMENT', `${flag} must be a percentage in 0..100, got '${text}'`);
  }
  return value;
}
