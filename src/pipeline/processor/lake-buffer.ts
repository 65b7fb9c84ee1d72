import type { BronzeRow, QuarantineRow, SilverRow } from '../../lake/lake-table.js';
import type { PartitionBatch } from './transform-batch.js';

/**
 * The lake rows of one partition that are committed in Gold but not yet in lake files: a
 * contiguous run of batches [fromOffset, toOffset]. `fromOffset` is always the partition's stored
 * lake position, so a flush of this run moves it to toOffset + 1.
 */
export interface PendingLakeRows {
  readonly partition: number;
  /** The epoch the partition was held with when the rows were added (fences the flush). */
  readonly epoch: number;
  readonly fromOffset: number;
  toOffset: number;
  /** Stream time after toOffset: what a replay from toOffset + 1 starts with. */
  streamTimeMs: number | null;
  readonly bronze: BronzeRow[][];
  readonly silver: SilverRow[][];
  readonly quarantine: QuarantineRow[][];
  /** Log record bytes buffered (the flush-size measure). */
  bytes: number;
  records: number;
  /** Processing time of the first add (the flush-age measure). */
  readonly firstAddedAtMs: number;
}

/**
 * Per-partition buffers of lake rows between flushes. Adding keeps the batches as they are (no
 * copy); `take` hands whole partitions to a flush and forgets them.
 */
export class LakeBuffer {
  private readonly pending = new Map<number, PendingLakeRows>();
  private totalBytes = 0;

  add(batch: PartitionBatch, epoch: number, bytes: number, streamTimeMs: number | null, nowMs: number): void {
    let entry = this.pending.get(batch.partition);
    if (entry !== undefined && entry.toOffset + 1 !== batch.fromOffset)
      throw new RangeError(
        `lake buffer p${batch.partition}: batch starts at ${batch.fromOffset}, buffered rows end at ${entry.toOffset}`,
      );
    if (entry === undefined) {
      entry = {
        partition: batch.partition,
        epoch,
        fromOffset: batch.fromOffset,
        toOffset: batch.toOffset,
        streamTimeMs,
        bronze: [],
        silver: [],
        quarantine: [],
        bytes: 0,
        records: 0,
        firstAddedAtMs: nowMs,
      };
      this.pending.set(batch.partition, entry);
    }
    entry.toOffset = batch.toOffset;
    entry.streamTimeMs = streamTimeMs;
    if (batch.bronze.length > 0) entry.bronze.push(batch.bronze);
    if (batch.silver.length > 0) entry.silver.push(batch.silver);
    if (batch.quarantine.length > 0) entry.quarantine.push(batch.quarantine);
    entry.bytes += bytes;
    entry.records += batch.toOffset - batch.fromOffset + 1;
    this.totalBytes += bytes;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  get records(): number {
    let n = 0;
    for (const e of this.pending.values()) n += e.records;
    return n;
  }

  /** Processing time of the oldest buffered add; undefined when empty. */
  oldestAddedAtMs(): number | undefined {
    let oldest: number | undefined;
    for (const e of this.pending.values())
      if (oldest === undefined || e.firstAddedAtMs < oldest) oldest = e.firstAddedAtMs;
    return oldest;
  }

  /** Removes and returns the buffered rows of `partitions` (default: all). */
  take(partitions?: readonly number[]): PendingLakeRows[] {
    const keys = partitions ?? [...this.pending.keys()];
    const out: PendingLakeRows[] = [];
    for (const p of keys) {
      const entry = this.pending.get(p);
      if (entry === undefined) continue;
      this.pending.delete(p);
      this.totalBytes -= entry.bytes;
      out.push(entry);
    }
    return out.sort((a, b) => a.partition - b.partition);
  }
}
