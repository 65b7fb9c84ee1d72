import { isoSql, type ApiStore } from './api-store.js';

export interface PositionRow {
  topic: string;
  partition: number;
  nextOffset: number;
  committedAt: string | null;
  maxEventTime: string | null;
  lakeNextOffset: number;
  lakeCommittedAt: string | null;
}

const isoOrNull = (col: string) => `CASE WHEN ${col} IS NULL THEN NULL ELSE ${isoSql(col)} END`;

/** Committed position of every (topic, partition) in `serving.processor_positions`. */
export async function readPositionRows(store: ApiStore): Promise<PositionRow[]> {
  const rows = await store.query<PositionRow>(
    `SELECT topic, partition::int AS partition, next_offset::float8 AS "nextOffset",
            ${isoOrNull('committed_at')} AS "committedAt", ${isoOrNull('max_event_time')} AS "maxEventTime",
            lake_next_offset::float8 AS "lakeNextOffset", ${isoOrNull('lake_committed_at')} AS "lakeCommittedAt"
       FROM serving.processor_positions ORDER BY topic, partition`,
  );
  return rows.map((r) => ({
    ...r,
    partition: Number(r.partition),
    nextOffset: Number(r.nextOffset),
    lakeNextOffset: Number(r.lakeNextOffset),
  }));
}

/** Newest commit time and newest event time over all partitions (epoch ms; null before any commit). */
export async function commitWatermark(
  store: ApiStore,
): Promise<{ committedAtMs: number | null; maxEventTimeMs: number | null; offsetsTotal: number }> {
  const rows = await store.query<{ c: number | null; e: number | null; o: number | null }>(
    `SELECT (extract(epoch FROM max(committed_at)) * 1000)::float8 AS c,
            (extract(epoch FROM max(max_event_time)) * 1000)::float8 AS e,
            sum(next_offset)::float8 AS o
       FROM serving.processor_positions`,
  );
  const r = rows[0];
  const n = (v: number | null | undefined) => (v === null || v === undefined ? null : Number(v));
  return { committedAtMs: n(r?.c), maxEventTimeMs: n(r?.e), offsetsTotal: n(r?.o) ?? 0 };
}
