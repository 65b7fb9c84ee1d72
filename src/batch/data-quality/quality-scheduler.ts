import type { Lake } from '../../lake/index.js';
import type { ServingStore } from '../../store/index.js';
import { runQualitySuite } from './run-quality-suite.js';

type DqOptions = Parameters<typeof runQualitySuite>[0]['options'];

/**
 * Runs the data-quality suite every `intervalMs` (the first run one interval after start) until
 * `signal` aborts; each run is stored like `shopstream dq run` (data_quality_runs/logs). A failing
 * run is reported to `onError` and the schedule goes on. `intervalMs` 0 = never.
 */
export async function runQualityOnSchedule(
  deps: { lake: Lake; store: ServingStore; options: DqOptions; nowMs?: () => number },
  intervalMs: number,
  signal: AbortSignal,
  onError: (err: unknown) => void,
): Promise<void> {
  if (intervalMs <= 0) return;
  const nowMs = deps.nowMs ?? Date.now;
  while (!signal.aborted) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, intervalMs);
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
    if (signal.aborted) return;
    try {
      await runQualitySuite({ lake: deps.lake, store: deps.store, options: deps.options, nowMs: nowMs() });
    } catch (err) {
      onError(err);
    }
  }
}
