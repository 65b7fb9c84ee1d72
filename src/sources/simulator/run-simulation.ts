import { setTimeout as sleep } from 'node:timers/promises';
import type { RecordSink } from './record-sinks.js';
import type { Simulator } from './simulator.js';

export interface RunSimulationOptions {
  /** Most records per sink write. */
  readonly batchSize: number;
  /** Realtime mode: pause between polls of the simulator when nothing is due. */
  readonly idleWaitMs: number;
  /** Stops the run after the batch in flight is written. */
  readonly signal?: AbortSignal;
  /** Called after each written batch with the records written so far. */
  readonly onProgress?: (written: number) => void;
}

export interface RunSimulationResult {
  readonly written: number;
  readonly elapsedMs: number;
  /** True when stopped by the signal before the simulator was done. */
  readonly interrupted: boolean;
}

/**
 * Pumps `sim` into `sink` until the simulator is done or `signal` aborts. Every batch taken from
 * the simulator is written before the loop checks the signal again, so an interrupted run has
 * written everything it generated. The sink is not closed here (the caller owns it).
 */
export async function runSimulation(
  sim: Simulator,
  sink: RecordSink,
  options: RunSimulationOptions,
): Promise<RunSimulationResult> {
  const started = Date.now();
  let written = 0;
  while (!sim.done() && options.signal?.aborted !== true) {
    const batch = sim.nextBatch(options.batchSize);
    if (batch.length === 0) {
      if (!sim.done())
        await sleep(options.idleWaitMs, undefined, { signal: options.signal }).catch(() => undefined);
      continue;
    }
    await sink.write(batch);
    written += batch.length;
    options.onProgress?.(written);
  }
  return { written, elapsedMs: Date.now() - started, interrupted: !sim.done() };
}
