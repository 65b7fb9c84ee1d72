import type { EventLog } from '../log/event-log.js';
import type { SqlExecutor } from '../store/serving-store.js';
import type { PartitionAccounting, PipelineSnapshot } from './pipeline-health-rules.js';

/**
 * One snapshot of the processor for `topic`: positions, epochs and last commits from the serving
 * DB, accounting totals and rows per partition, and (when `log` is given) lag = log end - committed position.
 */
export async function readPipelineSnapshot(
  db: SqlExecutor,
  topic: string,
  atMs: number,
  log?: EventLog,
): Promise<PipelineSnapshot> {
  const positions = await db.query<{
    partition: number;
    next_offset: number;
    epoch: number;
    committed_at: Date | null;
    max_event_time: Date | null;
  }>(
    `SELECT partition, next_offset, epoch, committed_at, max_event_time FROM serving.processor_positions WHERE topic = $1 ORDER BY partition`,
    [topic],
  );
  const totals = await db.query<{ silver: number; quarantine: number }>(
    `SELECT coalesce(sum(silver_rows), 0)::float8 AS silver, coalesce(sum(quarantine_rows), 0)::float8 AS quarantine
       FROM serving.partition_accounting WHERE topic = $1`,
    [topic],
  );
  const accounting = await db.query<Record<string, number>>(
    `SELECT partition, records_read::float8 AS records_read, bronze_rows::float8 AS bronze_rows,
            silver_rows::float8 AS silver_rows, quarantine_rows::float8 AS quarantine_rows,
            duplicates_dropped::float8 AS duplicates_dropped
       FROM serving.partition_accounting WHERE topic = $1`,
    [topic],
  );
  const byPartition = new Map(accounting.map((a) => [Number(a['partition']), a]));
  const info = log === undefined ? undefined : await log.describeTopic(topic);
  const ends = new Map((info?.partitions ?? []).map((p) => [p.partition, p.nextOffset]));
  const eventTimes = positions.map((p) =>
    p.max_event_time ? new Date(p.max_event_time).getTime() : Number.NEGATIVE_INFINITY,
  );
  const maxEvent = Math.max(...eventTimes);
  return {
    atMs,
    maxEventTimeMs: Number.isFinite(maxEvent) ? maxEvent : null,
    silverRows: Number(totals[0]?.silver ?? 0),
    quarantineRows: Number(totals[0]?.quarantine ?? 0),
    partitions: positions.map((p) => {
      const end = ends.get(p.partition);
      return {
        partition: p.partition,
        nextOffset: Number(p.next_offset),
        epoch: Number(p.epoch),
        lastCommitMs: p.committed_at ? new Date(p.committed_at).getTime() : null,
        lag: end === undefined ? null : Math.max(0, end - Number(p.next_offset)),
        accounting: accountingOf(byPartition.get(p.partition)),
      };
    }),
  };
}

function accountingOf(row: Record<string, number> | undefined): PartitionAccounting | null {
  if (row === undefined) return null;
  return {
    recordsRead: Number(row['records_read']),
    bronzeRows: Number(row['bronze_rows']),
    silverRows: Number(row['silver_rows']),
    quarantineRows: Number(row['quarantine_rows']),
    duplicatesDropped: Number(row['duplicates_dropped']),
  };
}
