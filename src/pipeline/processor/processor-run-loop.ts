import { isShopError } from '../../errors/index.js';

/** What the run loop needs from the processor. */
export interface RunnableProcessor {
  runCycle(): Promise<number>;
  /** Rebuilds every owned partition from the serving DB; drops the ones another owner claimed. */
  recover(): Promise<void>;
}

export interface RunLoopOptions {
  /** Sleep when a cycle found nothing to read. */
  readonly idleWaitMs: number;
  /** Called between two cycles, never during one (group membership applies its assignment here). */
  readonly betweenCycles?: () => Promise<void>;
  /**
   * Group mode: SHOP_STORE_FENCED means a partition moved to another member; the processor drops
   * it and goes on. Without it a fenced commit ends the run (someone else took over by hand).
   */
  readonly dropFencedPartitions?: boolean;
  readonly onEvent?: (message: string, fields: Record<string, unknown>) => void;
  /** After a cycle that read records: how long to wait before the next one (pacing; 0 = none). */
  readonly paceMs?: () => number;
}

const MAX_BACKOFF_MS = 5_000;

/**
 * Runs cycles until `signal` aborts. A cycle that fails with a retryable coded error (broker or
 * database unavailable, lease expired) is not lost: the loop backs off (200 ms doubling to 5 s),
 * rebuilds the partitions from their positions of record (the failed batch's in-memory effects,
 * dedupe included, are discarded) and reads the batch again. Any other error ends the run.
 */
export async function runProcessorLoop(
  processor: RunnableProcessor,
  signal: AbortSignal,
  options: RunLoopOptions,
): Promise<void> {
  let failures = 0;
  let mustRecover = false;
  while (!signal.aborted) {
    try {
      if (mustRecover) await processor.recover();
      mustRecover = false;
      await options.betweenCycles?.();
      const n = await processor.runCycle();
      failures = 0;
      if (n === 0 && !signal.aborted) await sleep(options.idleWaitMs, signal);
      const paceMs = n > 0 ? (options.paceMs?.() ?? 0) : 0;
      if (paceMs > 0 && !signal.aborted) await sleep(paceMs, signal);
    } catch (err) {
      if (!isRetryable(err, options.dropFencedPartitions === true)) throw err;
      failures += 1;
      mustRecover = true;
      const backoffMs = Math.min(MAX_BACKOFF_MS, 200 * 2 ** Math.min(failures - 1, 5));
      options.onEvent?.('cycle failed, retrying from the positions of record', {
        code: err.code,
        error: err.message,
        failures,
        backoffMs,
      });
      await sleep(backoffMs, signal);
    }
  }
}

function isRetryable(err: unknown, dropFenced: boolean): err is { code: string; message: string } & Error {
  if (!isShopError(err)) return false;
  return err.canRetry || (dropFenced && err.code === 'SHOP_STORE_FENCED');
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
