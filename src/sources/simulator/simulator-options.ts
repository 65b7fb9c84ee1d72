import { ShopError } from '../../errors/index.js';
import type { ScenarioKind, TrafficShapeKind } from './traffic-shape.js';

/**
 * Options of `createSimulator`. Percentages are of emitted records, 0..100. The stream ends after
 * `count` records (duplicates and invalid ones included) or, with `durationSec`, when event time
 * reaches startTimeMs + durationSec x 1000; with neither it never ends.
 */
export interface SimulatorOptions {
  readonly seed: number;
  /** Weekly-average events per second of event time. */
  readonly ratePerSec: number;
  /** Event time of the first slot, epoch ms. */
  readonly startTimeMs: number;
  readonly count?: number;
  readonly durationSec?: number;
  /**
   * `batch`: produce as fast as asked, event times spread at the rate from startTimeMs.
   * `realtime`: nextBatch returns only the events whose event time is <= nowMs() (paced to the
   * wall clock; start with startTimeMs = nowMs()).
   */
  readonly mode: 'batch' | 'realtime';
  /** Wall clock of realtime mode; Date.now when omitted. */
  readonly nowMs?: () => number;
  readonly products: number;
  readonly customers: number;
  readonly trafficShape: TrafficShapeKind;
  readonly invalidPct: number;
  readonly duplicatePct: number;
  readonly latePct: number;
  readonly lateMaxMs: number;
  readonly outOfOrderPct: number;
  /** An out-of-order record is delivered 1..outOfOrderWindowEvents records after its place. */
  readonly outOfOrderWindowEvents: number;
  readonly scenario: ScenarioKind;
  /** Scenario window start, seconds of event time after startTimeMs. */
  readonly scenarioStartSec: number;
  readonly scenarioDurationSec: number;
  /** Traffic multiplier inside the spike window. */
  readonly spikeFactor: number;
}

export const DEFAULT_SIMULATOR_OPTIONS: Omit<SimulatorOptions, 'startTimeMs'> = Object.freeze({
  seed: 42,
  ratePerSec: 200,
  mode: 'batch',
  products: 2000,
  customers: 50_000,
  trafficShape: 'realistic',
  invalidPct: 0,
  duplicatePct: 0,
  latePct: 0,
  lateMaxMs: 600_000,
  outOfOrderPct: 0,
  outOfOrderWindowEvents: 200,
  scenario: 'none',
  scenarioStartSec: 300,
  scenarioDurationSec: 300,
  spikeFactor: 5,
});

/** Throws SHOP_SIM_BAD_OPTION naming the first out-of-range option. */
export function checkSimulatorOptions(o: SimulatorOptions): void {
  const pcts = ['invalidPct', 'duplicatePct', 'latePct', 'outOfOrderPct'] as const;
  for (const name of pcts) need(name, o[name] >= 0 && o[name] <= 100, 'a percentage in 0..100');
  need('invalidPct+latePct', o.invalidPct + o.latePct <= 100, 'at most 100 together');
  need('ratePerSec', o.ratePerSec > 0 && o.ratePerSec <= 10_000_000, '> 0 and <= 10000000');
  need('seed', Number.isSafeInteger(o.seed), 'a safe integer');
  need(
    'startTimeMs',
    Number.isFinite(o.startTimeMs) && o.startTimeMs >= 0 && o.startTimeMs < 253402300800000,
    'an epoch ms in years 1970..9999',
  );
  need('count', o.count === undefined || (Number.isSafeInteger(o.count) && o.count >= 0), 'an integer >= 0');
  need(
    'durationSec',
    o.durationSec === undefined || (Number.isFinite(o.durationSec) && o.durationSec >= 0),
    '>= 0',
  );
  need(
    'products',
    Number.isInteger(o.products) && o.products >= 1 && o.products <= 99_999,
    'an integer in 1..99999',
  );
  need(
    'customers',
    Number.isInteger(o.customers) && o.customers >= 1 && o.customers <= 10_000_000,
    'an integer in 1..10000000',
  );
  need('lateMaxMs', Number.isFinite(o.lateMaxMs) && o.lateMaxMs >= 1, '>= 1');
  need(
    'outOfOrderWindowEvents',
    Number.isInteger(o.outOfOrderWindowEvents) && o.outOfOrderWindowEvents >= 1,
    'an integer >= 1',
  );
  need('scenarioStartSec', Number.isFinite(o.scenarioStartSec) && o.scenarioStartSec >= 0, '>= 0');
  need('scenarioDurationSec', Number.isFinite(o.scenarioDurationSec) && o.scenarioDurationSec >= 0, '>= 0');
  need(
    'spikeFactor',
    Number.isFinite(o.spikeFactor) && o.spikeFactor > 0 && o.spikeFactor <= 1000,
    '> 0 and <= 1000',
  );
}

function need(name: string, ok: boolean, expected: string): void {
  if (!ok)
    throw new ShopError('SHOP_SIM_BAD_OPTION', `${name} must be ${expected}`, { details: { option: name } });
}
