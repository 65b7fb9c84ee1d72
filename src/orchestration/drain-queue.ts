import { sleep } from '../pipeline/processor/processor-run-loop.js';
import type { JobExecutor, JobFilter } from './job-executor.js';

/**
 * Runs the queued requests that `filter` selects until none is left (or `signal` aborts: the
 * running attempts are then stopped and recorded `cancelled`, their requests stay queued).
 * `onProgress` gets the requests still queued (running ones included) after every pass.
 */
export async function drainQueue(
  executor: JobExecutor,
  filter: JobFilter,
  o: { tickMs: number; heartbeatMs: number; signal: AbortSignal; onProgress?: (remaining: number) => void },
): Promise<void> {
  let lastBeatMs = Date.now();
  while (!o.signal.aborted) {
    const queue = await executor.pass(filter, o.signal);
    const remaining = queue.filter(filter).length;
    o.onProgress?.(remaining);
    if (remaining === 0 && executor.running === 0) break;
    if (Date.now() - lastBeatMs >= o.heartbeatMs) {
      await executor.heartbeat();
      lastBeatMs = Date.now();
    }
    await sleep(o.tickMs, o.signal);
  }
  await executor.settle();
}
