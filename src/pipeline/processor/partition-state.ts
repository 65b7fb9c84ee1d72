import { DedupeState, type DedupeSpill } from '../../state/dedupe-state.js';

/**
 * Everything the processor remembers about one owned partition between cycles. Rebuilt on start
 * from the serving DB (position, stream time) and the committed Silver rows (dedupe).
 */
export interface PartitionState {
  readonly partition: number;
  /** Position of record: the next offset not yet committed in the serving DB. */
  nextOffset: number;
  /** Lake position: every offset below it is in recorded lake files (<= nextOffset). */
  lakeNextOffset: number;
  /** Next offset to read; runs ahead of nextOffset while a batch is being written and committed. */
  readOffset: number;
  /** Fencing epoch obtained when the partition was claimed. */
  readonly epoch: number;
  /** Largest event time accepted into Silver (ms), -Infinity before the first. */
  streamTimeMs: number;
  readonly dedupe: DedupeState;
}

export function newPartitionState(
  partition: number,
  nextOffset: number,
  epoch: number,
  streamTimeMs: number | null,
  watermarkMs: number,
  dedupeSpill?: DedupeSpill,
): PartitionState {
  return {
    partition,
    nextOffset,
    lakeNextOffset: nextOffset,
    readOffset: nextOffset,
    epoch,
    streamTimeMs: streamTimeMs ?? Number.NEGATIVE_INFINITY,
    dedupe: new DedupeState(watermarkMs, dedupeSpill),
  };
}
