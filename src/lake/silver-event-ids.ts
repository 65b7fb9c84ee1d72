import { MISSING_FILE } from './duckdb/query-lake.js';
import type { Lake } from './duckdb/open-lake.js';
import { tableSql } from './lake-views.js';

export interface SilverEventId {
  readonly eventId: string;
  readonly eventTimeMs: number;
}

const ATTEMPTS = 3;

/**
 * The event_ids (and event times) Silver holds for one log partition with event_time >= since,
 * ordered by event time, one DuckDB chunk (~2k rows) at a time: what the dedupe state needs after
 * a restart, without holding the whole watermark's ids as objects (an hour at 10k events/s is ~9M
 * per partition). Reads only the partition's readable files in hive folders from the hour of
 * `sinceEventTimeMs` on, and projects two columns, on a connection of its own. When a listed file
 * vanished meanwhile (compaction renamed it) the read starts over from a fresh listing, so a
 * consumer may see rows twice: seeding the dedupe state is idempotent. No query timeout: recovery
 * must finish.
 */
export async function* streamSilverEventIdsSince(
  lake: Lake,
  partition: number,
  sinceEventTimeMs: number,
  beforeOffset = Number.MAX_SAFE_INTEGER,
): AsyncGenerator<SilverEventId[]> {
  for (let attempt = 1; ; attempt++) {
    const files = await lake.files.list('silver', { partition, fromMs: sinceEventTimeMs });
    if (files.length === 0) return;
    const sql = `SELECT event_id, epoch_ms(event_time)::DOUBLE AS t FROM (${tableSql(
      files.map((f) => f.path),
      'silver',
    )}) WHERE event_time >= epoch_ms($1::BIGINT) AND "offset" < $2::BIGINT ORDER BY t`;
    const connection = await lake.openReadConnection();
    try {
      const result = await connection.stream(sql, [sinceEventTimeMs, beforeOffset]);
      for (;;) {
        const chunk = await result.fetchChunk();
        if (chunk === null || chunk.rowCount === 0) return;
        const ids = chunk.getColumnVector(0);
        const times = chunk.getColumnVector(1);
        const rows = new Array<SilverEventId>(chunk.rowCount);
        for (let i = 0; i < chunk.rowCount; i++)
          rows[i] = { eventId: String(ids.getItem(i)), eventTimeMs: Number(times.getItem(i)) };
        yield rows;
      }
    } catch (err) {
      if (!(err instanceof Error && MISSING_FILE.test(err.message)) || attempt === ATTEMPTS) throw err;
    } finally {
      connection.closeSync();
    }
  }
}

/** `streamSilverEventIdsSince` collected into one array (small partitions, tests). */
export async function readSilverEventIdsSince(
  lake: Lake,
  partition: number,
  sinceEventTimeMs: number,
  beforeOffset = Number.MAX_SAFE_INTEGER,
): Promise<SilverEventId[]> {
  const out: SilverEventId[] = [];
  for await (const rows of streamSilverEventIdsSince(lake, partition, sinceEventTimeMs, beforeOffset))
    for (const r of rows) out.push(r);
  return out;
}
