import type { SqlExecutor } from '../store/serving-store.js';
import type { SeriesPoint } from './ewma-detector.js';

const MINUTE_MS = 60_000;

/** Per-metric series ending at the scored window, oldest first, one point per minute. */
export interface KpiSeries {
  /** The second-latest window (the latest may still be filling); undefined = fewer than 2 windows. */
  readonly scoredWindowMs: number | undefined;
  readonly byMetric: ReadonlyMap<string, SeriesPoint[]>;
}

const DENOMINATOR: Readonly<Record<string, string>> = {
  add_to_cart_rate: 'events_click',
  purchase_conversion: 'events_click',
  checkout_rate: 'events_add_to_cart',
};

/** The counter a rate metric is guarded by (clicks or carts), undefined for other metrics. */
export const denominatorOf = (metric: string): string | undefined => DENOMINATOR[metric];

/**
 * Reads `kpi_minute` for `metrics` over the `windows` minutes ending at the scored window, which is
 * one minute before the newest window starting before `untilMs` (all windows when undefined).
 * Minutes without a row are filled with 0 (no event = every count and rate is 0).
 */
export async function readKpiSeries(
  db: SqlExecutor,
  metrics: readonly string[],
  windows: number,
  untilMs?: number,
): Promise<KpiSeries> {
  const until = untilMs === undefined ? null : new Date(untilMs).toISOString();
  const newest = await db.query<{ w: Date | null }>(
    `SELECT max(window_start) AS w FROM serving.kpi_minute WHERE $1::timestamptz IS NULL OR window_start < $1::timestamptz`,
    [until],
  );
  const latestMs = newest[0]?.w ? new Date(newest[0].w).getTime() : undefined;
  if (latestMs === undefined) return { scoredWindowMs: undefined, byMetric: new Map() };
  const scoredMs = latestMs - MINUTE_MS;
  const fromMs = scoredMs - (windows - 1) * MINUTE_MS;
  const wanted = [...new Set([...metrics, ...metrics.map(denominatorOf).filter((m) => m !== undefined)])];
  const rows = await db.query<{ w: Date; metric: string; value: number }>(
    `SELECT window_start AS w, metric, value FROM serving.kpi_minute
      WHERE window_start >= $1::timestamptz AND window_start <= $2::timestamptz AND metric = ANY($3::text[])`,
    [new Date(fromMs).toISOString(), new Date(scoredMs).toISOString(), wanted],
  );
  const firstMs = Math.min(...rows.map((r) => new Date(r.w).getTime()));
  if (!Number.isFinite(firstMs)) return { scoredWindowMs: scoredMs, byMetric: new Map() };
  const cell = new Map(rows.map((r) => [`${new Date(r.w).getTime()}|${r.metric}`, Number(r.value)]));
  const byMetric = new Map<string, SeriesPoint[]>();
  for (const metric of metrics) {
    const den = denominatorOf(metric);
    const points: SeriesPoint[] = [];
    for (let w = firstMs; w <= scoredMs; w += MINUTE_MS) {
      const value = cell.get(`${w}|${metric}`) ?? 0;
      points.push(
        den === undefined
          ? { windowStartMs: w, value }
          : { windowStartMs: w, value, denominator: cell.get(`${w}|${den}`) ?? 0 },
      );
    }
    byMetric.set(metric, points);
  }
  return { scoredWindowMs: scoredMs, byMetric };
}

/** Dimension counters of one window: `dimension=value:counter` -> value. */
export async function readDimCounters(db: SqlExecutor, windowStartMs: number): Promise<Map<string, number>> {
  const rows = await db.query<{ dimension: string; dim_value: string; counter: string; value: number }>(
    `SELECT dimension, dim_value, counter, value FROM serving.kpi_dim_counts WHERE window_start = $1::timestamptz`,
    [new Date(windowStartMs).toISOString()],
  );
  return new Map(rows.map((r) => [`${r.dimension}=${r.dim_value}:${r.counter}`, Number(r.value)]));
}
