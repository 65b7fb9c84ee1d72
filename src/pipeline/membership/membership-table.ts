import type { ServingStore, SqlExecutor } from '../../store/index.js';
import type { ClaimedPartition } from '../processor/processor-ports.js';

/**
 * SQL of group membership over `serving.processor_members` (migration 0003) and the positions of
 * record in `serving.processor_positions`. Lease times use the database clock, so members on
 * machines with skewed clocks still agree on who is alive.
 */
export interface MemberRef {
  readonly group: string;
  readonly memberId: string;
}

/** Renews (or creates) the member's lease; returns the ids of the live members, sorted. */
export async function renewLease(db: SqlExecutor, member: MemberRef, leaseMs: number): Promise<string[]> {
  await db.query(
    `INSERT INTO serving.processor_members (group_name, member_id, lease_expires_at)
     VALUES ($1, $2, now() + $3 * interval '1 millisecond')
     ON CONFLICT (group_name, member_id)
     DO UPDATE SET heartbeat_at = now(), lease_expires_at = EXCLUDED.lease_expires_at`,
    [member.group, member.memberId, leaseMs],
  );
  return liveMembers(db, member.group);
}

export async function liveMembers(db: SqlExecutor, group: string): Promise<string[]> {
  const rows = await db.query<{ member_id: string }>(
    `SELECT member_id FROM serving.processor_members
     WHERE group_name = $1 AND lease_expires_at > now() ORDER BY member_id`,
    [group],
  );
  return rows.map((r) => r.member_id);
}

/** Graceful exit: the member's row goes at once, so the others need not wait for its lease. */
export async function leaveGroup(db: SqlExecutor, member: MemberRef): Promise<void> {
  await db.query(`DELETE FROM serving.processor_members WHERE group_name = $1 AND member_id = $2`, [
    member.group,
    member.memberId,
  ]);
}

/**
 * Claims those of `partitions` that are free: never claimed, released (owner ''), or owned by a
 * member that is not live. One transaction; the position rows are locked, so a claim waits for a
 * commit in flight and then fences it (epoch + 1). Partitions a live member still owns are left
 * alone: that member releases them between two cycles once it sees it lost them, so two live
 * processors never write the same partition's lake files.
 */
export async function claimFreePartitions(
  store: ServingStore,
  member: MemberRef,
  topic: string,
  partitions: readonly number[],
): Promise<Map<number, ClaimedPartition>> {
  if (partitions.length === 0) return new Map();
  const wanted = [...new Set(partitions)].sort((a, b) => a - b);
  const rows = await store.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO serving.processor_positions (topic, partition, next_offset, epoch, owner)
       SELECT $1, p, 0, 0, '' FROM unnest($2::int[]) AS p ORDER BY p
       ON CONFLICT (topic, partition) DO NOTHING`,
      [topic, wanted],
    );
    const current = await tx.query<{ partition: number; owner: string }>(
      `SELECT partition, owner FROM serving.processor_positions
       WHERE topic = $1 AND partition = ANY($2::int[]) ORDER BY partition FOR UPDATE`,
      [topic, wanted],
    );
    const live = new Set(await liveMembers(tx, member.group));
    const free = current
      .filter((r) => r.owner === '' || r.owner === member.memberId || !live.has(r.owner))
      .map((r) => r.partition);
    if (free.length === 0) return [];
    return tx.query<{
      partition: number;
      next_offset: number;
      epoch: number;
      max_event_time: Date | null;
      lake_next_offset: number;
      lake_stream_time: Date | null;
    }>(
      `UPDATE serving.processor_positions SET epoch = epoch + 1, owner = $3
       WHERE topic = $1 AND partition = ANY($2::int[])
       RETURNING partition, next_offset, epoch, max_event_time, lake_next_offset, lake_stream_time`,
      [topic, free, member.memberId],
    );
  });
  return new Map(
    rows.map((r) => [
      r.partition,
      {
        nextOffset: r.next_offset,
        epoch: r.epoch,
        streamTimeMs: r.max_event_time?.getTime() ?? null,
        lakeNextOffset: r.lake_next_offset,
        lakeStreamTimeMs: r.lake_stream_time?.getTime() ?? null,
      },
    ]),
  );
}

/** Gives partitions up (owner '') unless someone claimed them since (their epoch moved on). */
export async function releasePartitions(
  db: SqlExecutor,
  member: MemberRef,
  topic: string,
  epochs: ReadonlyMap<number, number>,
): Promise<void> {
  for (const [partition, epoch] of epochs) {
    await db.query(
      `UPDATE serving.processor_positions SET owner = ''
       WHERE topic = $1 AND partition = $2 AND owner = $3 AND epoch = $4`,
      [topic, partition, member.memberId, epoch],
    );
  }
}
