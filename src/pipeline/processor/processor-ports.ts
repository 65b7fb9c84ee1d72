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
  writeBronze(rows: readonly BronzeRow[], key: FileKey): Promise<void>;
  writeSilver(rows: readonly SilverRow[], key: FileKey): Promise<void>;
  writeQuarantine(rows: readonly QuarantineRow[], key: FileKey): Promise<void>;
  /** Deletes files of the partition whose first offset >= nextOffset (leftovers of a crash). */
  removeUncommitted(topic: string, partition: number, nextOffset: number): Promise<number>;
  /** Committed Silver event ids of the partition with event time >= sinceMs (dedupe rebuild). */
  silverEventIdsSince(
    topic: string,
    partition: number,
    sinceMs: number,
  ): Promise<Array<{ eventId: string; eventTimeMs: number }>>;
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
