import type { Config } from '../../config/index.js';
import { compactLake, type CompactResult, type Lake } from '../../lake/index.js';
import { sleep } from '../../pipeline/processor/processor-run-loop.js';
import { readPositions, type ServingStore } from '../../store/index.js';

/**
 * Compacts the lake's small files up to the lake positions recorded in the serving DB (files at
 * or past them are not committed and are left alone). `shopstream lake compact` and the schedule
 * in `start` both run this.
 */
export async function compactCommitted(
  lake: Lake,
  store: ServingStore,
  topic: string,
  config: Readonly<Config['lake']>,
  nowMs = Date.now(),
): Promise<CompactResult> {
  const positions = await readPositions(store, topic);
  return compactLake(lake, {
    committedNextOffsets: new Map(positions.map((p) => [p.partition, p.lakeNextOffset])),
    minFiles: config.compactMinFiles,
    targetBytes: config.compactTargetBytes,
    graceMs: config.compactGraceMs,
    compression: config.compression,
    rowGroupRows: config.rowGroupRows,
    fsync: config.fsync,
    nowMs,
  });
}

/**
 * Runs `compactCommitted` every `config.compactIntervalMs` until `signal` aborts (0 = never). A
 * failing run is reported to `onError` and the schedule goes on.
 */
export async function runCompactionOnSchedule(
  deps: { lake: Lake; store: ServingStore; topic: string; config: Readonly<Config['lake']> },
  signal: AbortSignal,
  onResult: (result: CompactResult) => void,
  onError: (err: unknown) => void,
): Promise<void> {
  const intervalMs = deps.config.compactIntervalMs;
  if (intervalMs <= 0) return;
  while (!signal.aborted) {
    await sleep(intervalMs, signal);
    if (signal.aborted) return;
    try {
      onResult(await compactCommitted(deps.lake, deps.store, deps.topic, deps.config));
    } catch (err) {
      onError(err);
    }
  }
}
