import { performance } from 'node:perf_hooks';
import { createSimulator } from './simulator.js';
import { DEFAULT_SIMULATOR_OPTIONS, type SimulatorOptions } from './simulator-options.js';

export interface ThroughputResult {
  readonly events: number;
  /** UTF-8 bytes of the NDJSON produced, newlines included. */
  readonly bytes: number;
  readonly elapsedMs: number;
  readonly eventsPerSec: number;
  readonly megabytesPerSec: number;
}

/**
 * Generates `events` records in batch mode (batches of `batchSize`) and times generation plus
 * NDJSON assembly (joining each batch into one string, as the file sink does), without I/O.
 * `options` overrides DEFAULT_SIMULATOR_OPTIONS; startTimeMs defaults to 2026-01-05T00:00:00Z so
 * runs are comparable.
 */
export function measureSimulatorThroughput(
  events: number,
  options: Partial<SimulatorOptions> = {},
  batchSize = 10_000,
): ThroughputResult {
  const sim = createSimulator({
    ...DEFAULT_SIMULATOR_OPTIONS,
    startTimeMs: Date.UTC(2026, 0, 5),
    ...options,
    mode: 'batch',
    count: events,
  });
  const started = performance.now();
  let bytes = 0;
  let count = 0;
  while (!sim.done()) {
    const batch = sim.nextBatch(batchSize);
    let text = '';
    for (const r of batch) text += r.line + '\n';
    bytes += Buffer.byteLength(text);
    count += batch.length;
  }
  const elapsedMs = performance.now() - started;
  return {
    events: count,
    bytes,
    elapsedMs,
    eventsPerSec: (count * 1000) / elapsedMs,
    megabytesPerSec: bytes / 1e6 / (elapsedMs / 1000),
  };
}
