import { ShopError } from '../errors/index.js';
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
  /** First offset whose lake rows are not yet in committed lake files (<= nextOffset). */
  readonly lakeNextOffset: number;
  /** The partition's stream time right before lakeNextOffset (null: nothing accepted before it). */
  readonly lakeStreamTime: Date | null;
  readonly lakeCommittedAt: Date | null;
}

/** One partition's lake flush, as `commitLakePositions` records it. */
export interface LakePositionCommit {
  readonly partition: number;
  /** The epoch the flushing processor holds the partition with (fencing). */
  readonly epoch: number;
  /** The flush covered [fromOffset, nextOffset): fromOffset must be the stored lake position. */
  readonly fromOffset: number;
  readonly nextOffset: number;
  readonly streamTimeMs: number | null;
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
    lake_next_offset: number;
    lake_stream_time: Date | null;
    lake_committed_at: Date | null;
  }>(
    `SELECT partition, next_offset, epoch, owner, committed_at, max_event_time,
            lake_next_offset, lake_stream_time, lake_committed_at
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
    lakeNextOffset: r.lake_next_offset,
    lakeStreamTime: r.lake_stream_time,
    lakeCommittedAt: r.lake_committed_at,
  }));
}

/**
 * Records lake flushes, in one transaction: each partition's lake position moves from fromOffset
 * to nextOffset, only if the stored epoch is the flusher's and the stored lake position is
 * fromOffset (else SHOP_STORE_FENCED and nothing changes: a zombie's flush, or one already
 * recorded). Called after the flush's files are durable; a crash before it leaves files that the
 * next owner deletes (their first offset is >= the stored lake position).
 */
export async function commitLakePositions(
  store: ServingStore,
  topic: string,
  flushes: readonly LakePositionCommit[],
): Promise<void> {
  if (flushes.length === 0) return;
  const sorted = [...flushes].sort((a, b) => a.partition - b.partition);
  await store.transaction(async (tx) => {
    const locked = await tx.query<{ partition: number; epoch: number; lake_next_offset: number }>(
      `SELECT partition, epoch, lake_next_offset
       FROM serving.processor_positions WHERE topic = $1 AND partition = ANY($2::int[])
       ORDER BY partition FOR UPDATE`,
      [topic, sorted.map((f) => f.partition)],
    );
    const byPartition = new Map(locked.map((r) => [r.partition, r]));
    for (const f of sorted) {
      const stored = byPartition.get(f.partition);
      if (stored !== undefined && stored.epoch === f.epoch && stored.lake_next_offset === f.fromOffset)
        continue;
      const reason =
        stored === undefined ? 'unclaimed' : stored.epoch !== f.epoch ? 'stale_epoch' : 'offset_mismatch';
      throw new ShopError('SHOP_STORE_FENCED', `${topic}[${f.partition}] lake flush: ${reason}`, {
        details: { topic, partition: f.partition, reason, flush: { ...f }, stored },
      });
    }
    await tx.query(
      `UPDATE serving.processor_positions AS p
       SET lake_next_offset = u.next_offset, lake_stream_time = u.stream_time, lake_committed_at = now()
       FROM unnest($2::int[], $3::bigint[], $4::timestamptz[]) AS u(partition, next_offset, stream_time)
       WHERE p.topic = $1 AND p.partition = u.partition`,
      [
        topic,
        sorted.map((f) => f.partition),
        sorted.map((f) => f.nextOffset),
        sorted.map((f) => (f.streamTimeMs === null ? null : new Date(f.streamTimeMs).toISOString())),
      ],
    );
  });
}
