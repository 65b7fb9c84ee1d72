import { isoOf } from './gold-batch.js';
import { METRICS_OF_SUMS_SQL, summedCountersSql } from './kpi-formulas-sql.js';
import type { SqlExecutor } from './serving-store.js';

export type KpiGrain = 'minute' | 'hour' | 'day';

export interface KpiQuery {
  /** One metric, or every metric when omitted. */
  readonly metric?: string;
  /** Inclusive start; for hour/day aligned down to the bucket start (buckets are whole). */
  readonly fromMs: number;
  /** Exclusive end; for hour/day aligned up to the next bucket start. */
  readonly toMs: number;
  readonly grain: KpiGrain;
  /** Most rows returned: the newest ones, in ascending time order. */
  readonly limit: number;
}

export interface KpiPoint {
  /** Bucket start, ISO-8601 UTC with `Z`. */
  readonly windowStart: string;
  readonly metric: string;
  readonly value: number;
}

const GRAIN_MS: Record<Exclude<KpiGrain, 'minute'>, number> = { hour: 3_600_000, day: 86_400_000 };

/**
 * KPI series. Minutes come from kpi_minute as committed; hours and days are re-derived from the
 * SUMMED additive counters of kpi_counts with the same formulas (a rate of an hour is
 * sum(numerator) / sum(denominator), never the mean of the minute rates).
 */
export async function queryKpis(db: SqlExecutor, query: KpiQuery): Promise<KpiPoint[]> {
  const rows =
    query.grain === 'minute' ? await minuteRows(db, query) : await rollupRows(db, query, query.grain);
  return rows.map((r) => ({ windowStart: r.window_start.toISOString(), metric: r.metric, value: r.value }));
}

interface KpiRow {
  readonly window_start: Date;
  readonly metric: string;
  readonly value: number;
}

function minuteRows(db: SqlExecutor, query: KpiQuery): Promise<KpiRow[]> {
  return db.query<KpiRow>(
    `SELECT * FROM (
       SELECT window_start, metric, value FROM serving.kpi_minute
       WHERE window_start >= $1::timestamptz AND window_start < $2::timestamptz
         AND ($3::text IS NULL OR metric = $3::text)
       ORDER BY window_start DESC, metric DESC LIMIT $4) AS newest
     ORDER BY window_start, metric`,
    [isoOf(query.fromMs), isoOf(query.toMs), query.metric ?? null, query.limit],
  );
}

function rollupRows(db: SqlExecutor, query: KpiQuery, grain: 'hour' | 'day'): Promise<KpiRow[]> {
  const bucketMs = GRAIN_MS[grain];
  const fromMs = Math.floor(query.fromMs / bucketMs) * bucketMs;
  const toMs = Math.ceil(query.toMs / bucketMs) * bucketMs;
  const sums = summedCountersSql(
    `date_trunc($3::text, window_start, 'UTC')`,
    'window_start >= $1::timestamptz AND window_start < $2::timestamptz',
  );
  return db.query<KpiRow>(
    `SELECT * FROM (
       SELECT s.bucket AS window_start, m.metric, m.value::float8 AS value
       FROM (${sums}) AS s ${METRICS_OF_SUMS_SQL}
       WHERE $4::text IS NULL OR m.metric = $4::text
       ORDER BY 1 DESC, 2 DESC LIMIT $5) AS newest
     ORDER BY window_start, metric`,
    [isoOf(fromMs), isoOf(toMs), grain, query.metric ?? null, query.limit],
  );
}

export interface LatestKpi {
  readonly windowStart: string;
  readonly value: number;
}

/** The newest committed minute of each requested metric (null when the metric has none). */
export async function latestKpis(
  db: SqlExecutor,
  metrics: readonly string[],
): Promise<Record<string, LatestKpi | null>> {
  const rows = await db.query<KpiRow>(
    `SELECT DISTINCT ON (metric) metric, window_start, value FROM serving.kpi_minute
     WHERE metric = ANY($1::text[]) ORDER BY metric, window_start DESC`,
    [[...metrics]],
  );
  const latest: Record<string, LatestKpi | null> = Object.fromEntries(metrics.map((m) => [m, null]));
  for (const r of rows) latest[r.metric] = { windowStart: r.window_start.toISOString(), value: r.value };
  return latest;
}
