import { isoSql, toIsoParam, type ApiStore } from './api-store.js';

/** Reads of the reference table `serving.kpi_minute(window_start, metric, value)`. */
export interface KpiPointRow {
  ts: string;
  value: number;
}

/** The latest `limit` points of `metric` in [fromMs, toMs), returned in ascending time. */
export async function kpiMinutePoints(
  store: ApiStore,
  q: { metric: string; fromMs: number; toMs: number; limit: number },
): Promise<KpiPointRow[]> {
  const rows = await store.query<KpiPointRow>(
    `SELECT ${isoSql('window_start')} AS ts, value::float8 AS value
       FROM serving.kpi_minute
      WHERE metric = $1 AND window_start >= $2::timestamptz AND window_start < $3::timestamptz
      ORDER BY window_start DESC LIMIT $4`,
    [q.metric, toIsoParam(q.fromMs), toIsoParam(q.toMs), q.limit],
  );
  return rows.map((r) => ({ ts: r.ts, value: Number(r.value) })).reverse();
}

/** The newest point of each metric (metrics without any row are absent from the map). */
export async function latestKpiPoints(
  store: ApiStore,
  metrics: readonly string[],
): Promise<Map<string, KpiPointRow>> {
  const rows = await store.query<KpiPointRow & { metric: string }>(
    `SELECT DISTINCT ON (metric) metric, ${isoSql('window_start')} AS ts, value::float8 AS value
       FROM serving.kpi_minute WHERE metric = ANY($1::text[])
      ORDER BY metric, window_start DESC`,
    [[...metrics]],
  );
  return new Map(rows.map((r) => [r.metric, { ts: r.ts, value: Number(r.value) }]));
}
