import type { ServingStore, SqlExecutor } from './serving-store.js';

export interface ClaimRequest {
  readonly topic: string;
  readonly partitions: readonly number[];
  /** Who claims (e.g. `host:pid:uuid`); recorded, informational. */
  readonly owner: string;
}

export interface ClaimedPosition {
  /** Where the new owner resumes reading: every offset below it is committed in Gold. */
  readonly nextOffset: number;
  /** The new fencing token: any holder of an older epoch is fenced from committing. */
  readonly epoch: number;
}

export interface PositionRow {
  readonly partition: number;
  readonly nextOffset: number;
  readonly epoch: number;
  readonly owner: string;
  readonly committedAt: Date | null;
  readonly maxEventTime: Date | null;
}

/**
 * Takes ownership of partitions, in one transaction: creates missing positions (offset 0, epoch 0),
 * then bumps every epoch by one. A claim waits for a commit in flight on the same partitions (row
 * locks), so after it returns the previous owner can no longer commit (SHOP_STORE_FENCED).
 */
export async function claimPartitions(
  store: ServingStore,
  request: ClaimRequest,
): Promise<Map<number, ClaimedPosition>> {
  const partitions = [...new Set(request.partitions)].sort((a, b) => a - b);
  const rows = await store.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO serving.processor_positions (topic, partition, next_offset, epoch, owner)
       SELECT $1, p, 0, 0, $3 FROM unnest($2::int[]) AS p ORDER BY p
       ON CONFLICT (topic, partition) DO NOTHING`,
      [request.topic, partitions, request.owner],
    );
    await tx.query(
      `SELECT partition FROM serving.processor_positions
       WHERE topic = $1 AND partition = ANY($2::int[]) ORDER BY partition FOR UPDATE`,
      [request.topic, partitions],
    );
    return tx.query<{ partition: number; next_offset: number; epoch: number }>(
      `UPDATE serving.processor_positions SET epoch = epoch + 1, owner = $3
       WHERE topic = $1 AND partition = ANY($2::int[])
       RETURNING partition, next_offset, epoch`,
      [request.topic, partitions, request.owner],
    );
  });
  return new Map(rows.map((r) => [r.partition, { nextOffset: r.next_offset, epoch: r.epoch }]));
}

/** Stored positions of a topic, by partition. */
export async function readPositions(db: SqlExecutor, topic: string): Promise<PositionRow[]> {
  const rows = await db.query<{
    partition: number;
    next_offset: number;
    epoch: number;
    owner: string;
    committed_at: Date | null;
    max_event_time: Date | null;
  }>(
    `SELECT partition, next_offset, epoch, owner, committed_at, max_event_time
     FROM serving.processor_positions WHERE topic = $1 ORDER BY partition`,
    [topic],
  );
  return rows.map((r) => ({
    partition: r.partition,
    nextOffset: r.next_offset,
    epoch: r.epoch,
    owner: r.owner,
    committedAt: r.committed_at,
    maxEventTime: r.max_event_time,
  }));
}
