import type { Config } from '../config/index.js';
import { DEFAULT_SIMULATOR_OPTIONS, type SimulatorOptions } from '../sources/simulator/index.js';

/** Simulator options from `config.simulator`, for `start` and `run --role simulator`. */
export function simulatorOptionsFromConfig(
  config: Readonly<Config>,
  overrides: Partial<SimulatorOptions> & Pick<SimulatorOptions, 'mode' | 'startTimeMs'>,
): SimulatorOptions {
  const s = config.simulator;
  return {
    ...DEFAULT_SIMULATOR_OPTIONS,
    seed: s.seed,
    ratePerSec: s.ratePerSec,
    products: s.products,
    customers: s.customers,
    trafficShape: s.trafficShape,
    invalidPct: s.invalidPct,
    duplicatePct: s.duplicatePct,
    latePct: s.latePct,
    lateMaxMs: s.lateMaxMs,
    outOfOrderPct: s.outOfOrderPct,
    outOfOrderWindowEvents: s.outOfOrderWindowEvents,
    scenario: s.scenario,
    scenarioStartSec: s.scenarioStartS,
    scenarioDurationSec: s.scenarioDurationS,
    spikeFactor: s.spikeFactor,
    ...overrides,
  };
}
