import { queryLake } from './duckdb/query-lake.js';
import type { Lake } from './duckdb/open-lake.js';
import { tableSql } from './lake-views.js';

export interface SilverEventId {
  readonly eventId: string;
  readonly eventTimeMs: number;
}

/**
 * The event_ids (and event times) Silver holds for one log partition with event_time >= since,
 * ordered by event time: what the dedupe state needs after a restart. Reads only the partition's
 * readable files in hive folders from the hour of `sinceEventTimeMs` on, and projects two columns.
 */
export async function readSilverEventIdsSince(
  lake: Lake,
  partition: number,
  sinceEventTimeMs: number,
  beforeOffset = Number.MAX_SAFE_INTEGER,
): Promise<SilverEventId[]> {
  const rows = await queryLake(lake, async () => {
    const files = await lake.files.list('silver', { partition, fromMs: sinceEventTimeMs });
    return `SELECT event_id, epoch_ms(event_time)::DOUBLE AS t FROM (${tableSql(
      files.map((f) => f.path),
      'silver',
    )}) WHERE event_time >= epoch_ms($1::BIGINT) AND "offset" < $2::BIGINT ORDER BY t`;
  }, [sinceEventTimeMs, beforeOffset]);
  return rows.map((r) => ({ eventId: String(r['event_id']), eventTimeMs: Number(r['t']) }));
}
