/**
 * One processor batch of Gold output, committed atomically by `commitGoldBatch`. Row shapes match
 * what `pipeline/gold/gold-accumulator.ts` produces, so its arrays pass straight through.
 * Partition-keyed records use the partition number as key.
 */
export interface GoldCounterRow {
  readonly windowStartMs: number;
  readonly counter: string;
  readonly delta: number;
}

export interface GoldDimCounterRow extends GoldCounterRow {
  readonly dimension: 'channel' | 'category' | 'store';
  readonly dimValue: string;
}

export interface GoldProductRow {
  readonly windowStartMs: number;
  readonly productId: string;
  readonly category: string | null;
  readonly clicks: number;
  readonly carts: number;
  readonly units: number;
  readonly revenue: number;
}

/** One purchase event; `revenue` = quantity x price. Unique by (partition, offset). */
export interface GoldOrderRow {
  readonly orderId: string;
  readonly userId: string;
  readonly eventTimeMs: number;
  readonly productId: string | null;
  readonly quantity: number;
  readonly price: number;
  readonly currency: string | null;
  readonly channel: string | null;
  readonly storeId: string | null;
  readonly partition: number;
  readonly offset: number;
}

/** Additive per-partition accounting of one batch (every record read lands in exactly one bucket). */
export interface AccountingDelta {
  readonly recordsRead: number;
  readonly bronzeRows: number;
  readonly silverRows: number;
  readonly quarantineRows: number;
  readonly duplicatesDropped: number;
  readonly lateQuarantined: number;
  /** Quarantined records by reason code (comma-joined reasons count once under the joined code). */
  readonly reasonCounts: Readonly<Record<string, number>>;
}

export interface GoldBatch {
  readonly topic: string;
  /** Epoch returned by `claimPartitions` for every partition of the batch: the fencing token. */
  readonly epochs: Readonly<Record<number, number>>;
  /** Offset the batch starts at, per partition: must equal the stored next_offset. */
  readonly fromOffsets: Readonly<Record<number, number>>;
  /** Offset after the last record of the batch, per partition: the new next_offset. */
  readonly toOffsets: Readonly<Record<number, number>>;
  /** Newest event time seen per partition (kept as the max over all commits). */
  readonly maxEventTimeMs?: Readonly<Record<number, number>>;
  readonly counters: readonly GoldCounterRow[];
  readonly dimCounters: readonly GoldDimCounterRow[];
  readonly products: readonly GoldProductRow[];
  readonly orders: readonly GoldOrderRow[];
  readonly accounting: Readonly<Record<number, AccountingDelta>>;
  /** Marks every still-open window that starts before this instant as final. */
  readonly finalizeWindowsBeforeMs?: number;
  /** Rows kept in recent_orders (newest by event time); default 1000. */
  readonly recentOrdersLimit?: number;
}

/** The partitions of a batch, ascending (the lock order of every commit). */
export function batchPartitions(batch: GoldBatch): number[] {
  return Object.keys(batch.epochs)
    .map(Number)
    .sort((a, b) => a - b);
}

export const isoOf = (ms: number): string => new Date(ms).toISOString();
