import type { EventLog } from '../log/event-log.js';
import type { SqlExecutor } from '../store/serving-store.js';
import type { AccountingCounts } from '../store/partition-accounting.js';
import type { PipelineSnapshot } from './pipeline-health-rules.js';

/**
 * One snapshot of the processor for `topic`: positions, epochs and last commits from the serving
 * DB, the accounting per partition (one read; the totals are its sums), and (when `log` is given)
 * lag = log end - committed position.
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
  const accounting = await db.query<Record<string, number>>(
    `SELECT partition, records_read::float8 AS records_read, bronze_rows::float8 AS bronze_rows,
            silver_rows::float8 AS silver_rows, quarantine_rows::float8 AS quarantine_rows,
            duplicates_dropped::float8 AS duplicates_dropped
       FROM serving.partition_accounting WHERE topic = $1`,
    [topic],
  );
  const byPartition = new Map(accounting.map((row) => [Number(row['partition']), countsOf(row)]));
  const rows = [...byPartition.values()];
  const info = log === undefined ? undefined : await log.describeTopic(topic);
  const ends = new Map((info?.partitions ?? []).map((p) => [p.partition, p.nextOffset]));
  const eventTimes = positions.map((p) =>
    p.max_event_time ? new Date(p.max_event_time).getTime() : Number.NEGATIVE_INFINITY,
  );
  const maxEvent = Math.max(...eventTimes);
  return {
    atMs,
    maxEventTimeMs: Number.isFinite(maxEvent) ? maxEvent : null,
    silverRows: rows.reduce((n, a) => n + a.silverRows, 0),
    quarantineRows: rows.reduce((n, a) => n + a.quarantineRows, 0),
    partitions: positions.map((p) => {
      const end = ends.get(p.partition);
      return {
        partition: p.partition,
        nextOffset: Number(p.next_offset),
        epoch: Number(p.epoch),
        lastCommitMs: p.committed_at ? new Date(p.committed_at).getTime() : null,
        lag: end === undefined ? null : Math.max(0, end - Number(p.next_offset)),
        accounting: byPartition.get(p.partition) ?? null,
      };
    }),
  };
}

function countsOf(row: Record<string, number>): AccountingCounts {
  return {
    recordsRead: Number(row['records_read']),
    bronzeRows: Number(row['bronze_rows']),
    silverRows: Number(row['silver_rows']),
    quarantineRows: Number(row['quarantine_rows']),
    duplicatesDropped: Number(row['duplicates_dropped']),
  };
}
