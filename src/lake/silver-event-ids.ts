import { join } from 'node:path';
import { queryLake } from './duckdb/query-lake.js';
import type { Lake } from './duckdb/open-lake.js';
import { readParquetSql } from './lake-views.js';
import { HOUR_MS } from './lake-file-names.js';

export interface SilverEventId {
  readonly eventId: string;
  readonly eventTimeMs: number;
}

/**
 * The event_ids (and event times) Silver holds for one log partition with event_time >= since,
 * ordered by event time: what the dedupe state needs after a restart. Reads only the partition's
 * files (`p<partition>-*.parquet`, from the file names), prunes hive folders older than the
 * hour of `sinceEventTimeMs`, and projects two columns.
 */
export async function readSilverEventIdsSince(
  lake: Lake,
  partition: number,
  sinceEventTimeMs: number,
): Promise<SilverEventId[]> {
  const glob = join(lake.dir, 'silver', '**', `p${Math.trunc(partition)}-*.parquet`);
  const files = await queryLake(lake, `SELECT count(*) AS n FROM glob($1)`, [glob]);
  if (Number(files[0]?.['n'] ?? 0) === 0) return [];
  const sinceHourStartMs = Math.floor(sinceEventTimeMs / HOUR_MS) * HOUR_MS;
  const rows = await queryLake(
    lake,
    `SELECT event_id, epoch_ms(event_time)::DOUBLE AS t FROM ${readParquetSql(glob, 'silver')}
     WHERE event_date >= CAST(epoch_ms($1::BIGINT) AS DATE)
       AND (event_date > CAST(epoch_ms($1::BIGINT) AS DATE) OR event_hour >= hour(epoch_ms($1::BIGINT)))
       AND event_time >= epoch_ms($2::BIGINT)
     ORDER BY t`,
    [sinceHourStartMs, sinceEventTimeMs],
  );
  return rows.map((r) => ({ eventId: String(r['event_id']), eventTimeMs: Number(r['t']) }));
}
