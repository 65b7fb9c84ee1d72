import { queryLake, type LakeParam } from './duckdb/query-lake.js';
import type { Lake } from './duckdb/open-lake.js';
import { tableSql } from './lake-views.js';
import { DIM_COUNTERS, KPI_METRICS } from '../contract/kpi-metrics.js';

export interface KpiMinuteRow {
  /** ISO-8601 UTC start of the 1-minute event-time window. */
  readonly window_start: string;
  readonly metric: string;
  readonly value: number;
}

/**
 * The additive counters of a group of Silver events (the first six KPIs, DIM_COUNTERS): the
 * brief's formulas, written once for the minute totals and the dimension breakdowns.
 */
const COUNTER_COLUMNS = `
    count(*)::DOUBLE AS events_total,
    count(*) FILTER (WHERE event_type = 'click')::DOUBLE AS events_click,
    count(*) FILTER (WHERE event_type = 'add_to_cart')::DOUBLE AS events_add_to_cart,
    count(*) FILTER (WHERE event_type = 'checkout')::DOUBLE AS events_checkout,
    count(*) FILTER (WHERE event_type = 'purchase')::DOUBLE AS events_purchase,
    coalesce(sum(price * quantity) FILTER (WHERE event_type = 'purchase'), 0)::DOUBLE AS revenue`;

/**
 * The brief's KPI formulas over Silver, per 1-minute UTC tumbling window of event_time
 * (`date_trunc('minute')`: 12:00:59.999 is in the 12:00 window, 12:01:00.000 in 12:01):
 *   events_total = count(*); events_<type> = count by type;
 *   revenue = sum(price * quantity) over purchases;
 *   aov = revenue / events_purchase; add_to_cart_rate = add_to_cart / click;
 *   checkout_rate = checkout / add_to_cart; purchase_conversion = purchase / click;
 *   a rate is 0 when its denominator is 0.
 */
const KPI_SQL = `
WITH w AS (
  SELECT date_trunc('minute', event_time) AS window_start, ${COUNTER_COLUMNS}
  FROM (%SILVER%) AS silver
  WHERE event_time >= epoch_ms($1::BIGINT) AND event_time < epoch_ms($2::BIGINT)
  GROUP BY 1
), k AS (
  SELECT *,
    CASE WHEN events_purchase = 0 THEN 0 ELSE revenue / events_purchase END AS aov,
    CASE WHEN events_click = 0 THEN 0 ELSE events_add_to_cart / events_click END AS add_to_cart_rate,
    CASE WHEN events_add_to_cart = 0 THEN 0 ELSE events_checkout / events_add_to_cart END AS checkout_rate,
    CASE WHEN events_click = 0 THEN 0 ELSE events_purchase / events_click END AS purchase_conversion
  FROM w
)
SELECT window_start, metric, value
FROM (UNPIVOT k ON ${KPI_METRICS.join(', ')} INTO NAME metric VALUE value)
ORDER BY window_start, array_position([${KPI_METRICS.map((m) => `'${m}'`).join(', ')}], metric)`;

export interface KpiRecomputeRange {
  /** Inclusive lower bound of event_time (epoch ms); default: everything. */
  readonly fromMs?: number;
  /** Exclusive upper bound of event_time (epoch ms); default: everything. */
  readonly toMs?: number;
  /**
   * Read Silver as of this Delta version (`lake.files.snapshot('silver').version` pins the
   * latest); default: the latest at each query. Two recomputes with the same version read the
   * same rows, whatever the processor commits meanwhile.
   */
  readonly silverVersion?: number;
}

/**
 * The query over the Silver files of the range (the hive hours of event_time that can hold it)
 * at `range.silverVersion`; listed again on a retry (a file compaction replaced under the query).
 */
const overSilver = (sql: string, lake: Lake, range: KpiRecomputeRange) => async (): Promise<string> => {
  const files = await lake.files.list('silver', {
    ...(range.fromMs === undefined ? {} : { fromMs: range.fromMs }),
    ...(range.toMs === undefined ? {} : { toMs: range.toMs }),
    ...(range.silverVersion === undefined ? {} : { version: range.silverVersion }),
  });
  const source = tableSql(
    files.map((f) => f.path),
    'silver',
  );
  return sql.replace('%SILVER%', () => source);
};

/** The event_time bounds [$1, $2) of a range, everything when open. */
const rangeParams = (range: KpiRecomputeRange): LakeParam[] => [
  range.fromMs ?? -8.64e15,
  range.toMs ?? 8.64e15,
];

/** Recomputes serving.kpi_minute from Silver (the batch side of the reconciliation). */
export async function recomputeKpiMinuteFromSilver(
  lake: Lake,
  range: KpiRecomputeRange = {},
): Promise<KpiMinuteRow[]> {
  const rows = await queryLake(lake, overSilver(KPI_SQL, lake, range), rangeParams(range));
  return rows.map((r) => ({
    window_start: String(r['window_start']),
    metric: String(r['metric']),
    value: Number(r['value']),
  }));
}

export interface DimCountRow {
  /** ISO-8601 UTC start of the 1-minute event-time window. */
  readonly window_start: string;
  readonly dimension: 'channel' | 'category' | 'store';
  readonly dim_value: string;
  readonly counter: string;
  readonly value: number;
}

/**
 * The dimension breakdowns over Silver, per minute, dimension (channel, category, store = the
 * event's store_id) and value: every event with the dimension set counts in events_total, the four
 * funnel types in events_<type>, purchases' price * quantity in revenue. Events without the
 * dimension are in no row of it. Counters that are 0 are left out (Gold has no row for them either).
 */
const DIM_SQL = `
WITH e AS (
  SELECT date_trunc('minute', event_time) AS window_start, event_type, price, quantity, channel, category, store_id
  FROM (%SILVER%) AS silver
  WHERE event_time >= epoch_ms($1::BIGINT) AND event_time < epoch_ms($2::BIGINT)
), d AS (
  SELECT window_start, 'channel' AS dimension, channel AS dim_value, event_type, price, quantity FROM e WHERE channel IS NOT NULL
  UNION ALL
  SELECT window_start, 'category', category, event_type, price, quantity FROM e WHERE category IS NOT NULL
  UNION ALL
  SELECT window_start, 'store', store_id, event_type, price, quantity FROM e WHERE store_id IS NOT NULL
), g AS (
  SELECT window_start, dimension, dim_value, ${COUNTER_COLUMNS}
  FROM d GROUP BY 1, 2, 3
)
SELECT window_start, dimension, dim_value, counter, value
FROM (UNPIVOT g ON ${DIM_COUNTERS.join(', ')} INTO NAME counter VALUE value)
WHERE value <> 0
ORDER BY window_start, dimension, dim_value, counter`;

/** Recomputes serving.kpi_dim_counts from Silver (the batch side of the breakdowns' reconciliation). */
export async function recomputeDimCountsFromSilver(
  lake: Lake,
  range: KpiRecomputeRange = {},
): Promise<DimCountRow[]> {
  const rows = await queryLake(lake, overSilver(DIM_SQL, lake, range), rangeParams(range));
  return rows.map((r) => ({
    window_start: String(r['window_start']),
    dimension: String(r['dimension']) as DimCountRow['dimension'],
    dim_value: String(r['dim_value']),
    counter: String(r['counter']),
    value: Number(r['value']),
  }));
}
