import { DEFAULT_SIMULATOR_OPTIONS, type SimulatorOptions } from '../sources/simulator/index.js';
import type { BenchOptions } from './bench-options.js';

/** Event time of pre-generated (batch) traffic, fixed so runs are comparable: 2026-01-05T00:00Z. */
export const BATCH_START_TIME_MS = Date.UTC(2026, 0, 5);

/**
 * The simulator options every scenario uses: flat traffic (no diurnal curve, so a realtime run
 * keeps its rate) with the benchmark's fault mix; late events are at most 10 minutes late, well
 * inside the processor watermark, so they count in Gold rather than being quarantined.
 */
export function benchSimulatorOptions(
  options: BenchOptions,
  overrides: Partial<SimulatorOptions> & Pick<SimulatorOptions, 'mode' | 'startTimeMs'>,
): SimulatorOptions {
  return {
    ...DEFAULT_SIMULATOR_OPTIONS,
    trafficShape: 'flat',
    ratePerSec: options.ratePerSec,
    invalidPct: options.invalidPct,
    duplicatePct: options.duplicatePct,
    latePct: options.latePct,
    lateMaxMs: 600_000,
    ...overrides,
  };
}
