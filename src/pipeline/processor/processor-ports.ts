import type { CounterDelta, DimCounterDelta, OrderLine, ProductDelta } from '../gold/gold-accumulator.js';
import type { BronzeRow, FileKey, QuarantineRow, SilverRow } from '../../lake/lake-table.js';
import type { AccountingDelta } from './transform-batch.js';

export type { FileKey };

/**
 * What the processor needs from the lake and the serving store, in its own terms. The CLI adapts
 * the real lake (`src/lake/`) and serving store (`src/store/`) to these in
 * `processor-adapters.ts`; tests can wrap them to inject crashes.
 */
export interface ProcessorLake {
  /**
   * Each call appends runs of several partitions to one table in ONE Delta commit, idempotently
   * per partition: rows the table already holds (at or below the partition's txn version) are
   * skipped, and a concurrent commit of the same partition fails it (SHOP_LAKE_COMMIT_CONFLICT).
   */
  writeBronze(runs: readonly LakeRun<BronzeRow>[]): Promise<void>;
  writeSilver(runs: readonly LakeRun<SilverRow>[]): Promise<void>;
  writeQuarantine(runs: readonly LakeRun<QuarantineRow>[]): Promise<void>;
  /**
   * Rolls back files of the partition whose first offset >= nextOffset in tables where the
   * partition has no txn yet (written before Delta); tracked tables need none.
   */
  removeUncommitted(topic: string, partition: number, nextOffset: number): Promise<number>;
  /**
   * Committed Silver event ids of the partition with event time >= sinceMs and offset <
   * beforeOffset (dedupe rebuild at the lake position; Silver may hold rows past it).
   */
  silverEventIdsSince(
    topic: string,
    partition: number,
    sinceMs: number,
    beforeOffset: number,
  ): AsyncIterable<ReadonlyArray<{ readonly eventId: string; readonly eventTimeMs: number }>>;
}

/** One partition's rows for one table. */
export interface LakeRun<Row> {
  readonly rows: readonly Row[];
  readonly key: FileKey;
}

export interface ClaimedPartition {
  /** Gold position of record: every offset below it is committed in Gold. */
  readonly nextOffset: number;
  readonly epoch: number;
  /** Stream time at nextOffset. */
  readonly streamTimeMs: number | null;
  /** Lake position (<= nextOffset): every offset below it is in committed lake files. */
  readonly lakeNextOffset: number;
  /** Stream time at lakeNextOffset. */
  readonly lakeStreamTimeMs: number | null;
}

/** One partition's lake flush: its lake position moves from fromOffset to nextOffset. */
export interface LakePositionCommit {
  readonly partition: number;
  readonly epoch: number;
  readonly fromOffset: number;
  readonly nextOffset: number;
  /** Stream time at nextOffset. */
  readonly streamTimeMs: number | null;
}

export interface PartitionCommit {
  readonly partition: number;
  readonly epoch: number;
  readonly fromOffset: number;
  /** The new position of record: last offset of the batch + 1. */
  readonly nextOffset: number;
  readonly streamTimeMs: number | null;
  readonly accounting: AccountingDelta;
}

export interface GoldCommit {
  readonly topic: string;
  readonly partitions: readonly PartitionCommit[];
  readonly counters: readonly CounterDelta[];
  readonly dimCounters: readonly DimCounterDelta[];
  readonly products: readonly ProductDelta[];
  readonly orders: readonly OrderLine[];
  /** Mark windows starting before this final (idle stream, --once); undefined = none. */
  readonly finalizeBeforeMs?: number;
}

export interface ProcessorStore {
  /** Claims the partitions (epoch + 1 fences older owners) and returns the positions of record. */
  claim(topic: string, partitions: readonly number[], owner: string): Promise<Map<number, ClaimedPartition>>;
  /** One fenced transaction: Gold deltas, accounting, positions (SHOP_STORE_FENCED when stale). */
  commit(batch: GoldCommit): Promise<void>;
  /** Positions of record of the topic's partitions (epoch included), as a claim returns them. */
  positions(topic: string): Promise<Map<number, ClaimedPartition>>;
  /** Records lake flushes, fenced by epoch and the stored lake position (SHOP_STORE_FENCED). */
  commitLake(topic: string, flushes: readonly LakePositionCommit[]): Promise<void>;
  /** Marks windows starting before `beforeMs` final; returns how many changed. */
  finalize(beforeMs: number): Promise<number>;
}
