import { bucketSql, isoSql, toIsoParam, type ApiStore } from './api-store.js';

export type Grain = 'minute' | 'hour' | 'day';
export interface DimensionFilter {
  readonly dimension: 'channel' | 'category' | 'store';
  readonly value: string;
}
export interface CounterQuery {
  readonly fromMs: number;
  readonly toMs: number;
  readonly counters: readonly string[];
  /** Undefined = all events (serving.kpi_counts); else that dimension value (serving.kpi_dim_counts). */
  readonly dim?: DimensionFilter | undefined;
}

function source(q: CounterQuery): { table: string; where: string; params: unknown[] } {
  const params: unknown[] = [toIsoParam(q.fromMs), toIsoParam(q.toMs), [...q.counters]];
  let where =
    'window_start >= $1::timestamptz AND window_start < $2::timestamptz AND counter = ANY($3::text[])';
  if (q.dim === undefined) return { table: 'serving.kpi_counts', where, params };
  params.push(q.dim.dimension, q.dim.value);
  where += ' AND dimension = $4 AND dim_value = $5';
  return { table: 'serving.kpi_dim_counts', where, params };
}

/** Summed counters per bucket of `grain`, buckets in time order (only buckets holding data). */
export async function sumCountersByBucket(
  store: ApiStore,
  q: CounterQuery & { readonly grain: Grain },
): Promise<Map<string, Map<string, number>>> {
  const { table, where, params } = source(q);
  const bucket = bucketSql('window_start', q.grain);
  const rows = await store.query<{ ts: string; counter: string; value: number }>(
    `SELECT ${isoSql(bucket)} AS ts, counter, sum(value)::float8 AS value
       FROM ${table} WHERE ${where}
      GROUP BY ${bucket}, counter ORDER BY ${bucket}`,
    params,
  );
  const out = new Map<string, Map<string, number>>();
  for (const r of rows) {
    let m = out.get(r.ts);
    if (m === undefined) out.set(r.ts, (m = new Map()));
    m.set(r.counter, Number(r.value));
  }
  return out;
}

/** Counters summed over the whole range. */
export async function sumCounters(store: ApiStore, q: CounterQuery): Promise<Map<string, number>> {
  const { table, where, params } = source(q);
  const rows = await store.query<{ counter: string; value: number }>(
    `SELECT counter, sum(value)::float8 AS value FROM ${table} WHERE ${where} GROUP BY counter`,
    params,
  );
  return new Map(rows.map((r) => [r.counter, Number(r.value)]));
}

/**
 * Data coverage of [fromMs, toMs): the number of one-minute windows holding at least one event,
 * over all events whatever a dimension filter says. A period with fewer covered minutes than
 * another (the data started inside it, or the pipeline was down) is not comparable to it.
 */
export async function coveredMinutes(store: ApiStore, fromMs: number, toMs: number): Promise<number> {
  const rows = await store.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM serving.kpi_counts
      WHERE window_start >= $1::timestamptz AND window_start < $2::timestamptz
        AND counter = 'events_total' AND value > 0`,
    [toIsoParam(fromMs), toIsoParam(toMs)],
  );
  return Number(rows[0]?.n ?? 0);
}

/** Summed counters of each listed one-minute window (for the live stream). */
export async function countersOfWindows(
  store: ApiStore,
  windowStartsMs: readonly number[],
  counters: readonly string[],
): Promise<Map<string, Map<string, number>>> {
  const rows = await store.query<{ ts: string; counter: string; value: number }>(
    `SELECT ${isoSql('window_start')} AS ts, counter, sum(value)::float8 AS value
       FROM serving.kpi_counts
      WHERE window_start = ANY($1::timestamptz[]) AND counter = ANY($2::text[])
      GROUP BY window_start, counter ORDER BY window_start`,
    [windowStartsMs.map(toIsoParam), [...counters]],
  );
  const out = new Map<string, Map<string, number>>();
  for (const r of rows) {
    let m = out.get(r.ts);
    if (m === undefined) out.set(r.ts, (m = new Map()));
    m.set(r.counter, Number(r.value));
  }
  return out;
}
