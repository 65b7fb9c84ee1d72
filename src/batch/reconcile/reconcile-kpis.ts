import { KPI_METRICS, type KpiMetric } from '../../contract/kpi-metrics.js';
import type { Lake } from '../../lake/duckdb/open-lake.js';
import { EMPTY_VERSION } from '../../lake/lake-file-index.js';
import { recomputeDimCountsFromSilver, recomputeKpiMinuteFromSilver } from '../../lake/kpi-recompute.js';
import type { SqlExecutor } from '../../store/serving-store.js';

const MINUTE_MS = 60_000;
const KPI_NAMES: ReadonlySet<string> = new Set(KPI_METRICS);

/**
 * How close the streaming and the batch value of a metric must be: counts exactly, money to the
 * cent (a sum of floats in another order may differ in the last bits, never by a cent), rates to
 * 1e-9.
 */
export const KPI_TOLERANCE: Readonly<Record<KpiMetric, number>> = {
  events_total: 0,
  events_click: 0,
  events_add_to_cart: 0,
  events_checkout: 0,
  events_purchase: 0,
  revenue: 0.005,
  aov: 0.005,
  add_to_cart_rate: 1e-9,
  checkout_rate: 1e-9,
  purchase_conversion: 1e-9,
};

export interface KpiMismatch {
  /** ISO-8601 UTC start of the minute. */
  readonly windowStart: string;
  /** A KPI (kpi_minute), or `<dimension>=<value>:<counter>` of a breakdown (kpi_dim_counts). */
  readonly metric: string;
  /** serving.kpi_minute (Gold); null = the window or metric is missing there. */
  readonly streaming: number | null;
  /** Recomputed from Silver; null = Silver has no event in the window. */
  readonly batch: number | null;
  /** |streaming - batch|, the missing side counting as 0. */
  readonly difference: number;
}

export interface KpiReconciliation {
  /** The minutes compared: [fromMs, toMs), both on minute boundaries. */
  readonly fromMs: number;
  readonly toMs: number;
  /** Minutes with a value on either side. */
  readonly windowsChecked: number;
  /** Every KPI of every minute checked, plus the breakdown values present on either side. */
  readonly valuesChecked: number;
  /** Of valuesChecked: the dimension breakdowns' (minute x dimension value x counter). */
  readonly dimensionValuesChecked: number;
  readonly mismatches: readonly KpiMismatch[];
  readonly maxDifference: number;
  /**
   * The Silver Delta version both recomputes read (one snapshot for the KPIs and the breakdowns,
   * so a commit in between cannot split them); null when Silver had no commit or nothing was
   * compared. `shopstream reconcile --as-of-version` checks again against it.
   */
  readonly silverVersion: number | null;
}

export interface ReconcileRange {
  readonly topic: string;
  /** Inclusive start (epoch ms), aligned down to the minute. */
  readonly fromMs: number;
  /** Exclusive end (epoch ms), aligned down to the minute and capped at the settled horizon. */
  readonly toMs: number;
  /** processor.watermarkMs: events this far behind a partition's stream time may still arrive. */
  readonly watermarkMs: number;
  /** Read Silver as of this Delta version (EMPTY_VERSION: empty; default: the latest when the run starts). */
  readonly silverVersion?: number;
}

/**
 * The end of the windows both sides have settled: Gold finalised them (no event can change them
 * any more) and Silver holds every event of them (each partition's lake files reach a stream time
 * at least a watermark past the window). Later minutes are not compared: the lake is flushed by
 * size and age, so it trails Gold by design. Undefined when nothing is settled yet.
 */
export async function settledHorizonMs(
  store: SqlExecutor,
  topic: string,
  watermarkMs: number,
): Promise<number | undefined> {
  const [row] = await store.query<{ lake_time: Date | null; finalized: Date | null; partitions: number }>(
    `SELECT (SELECT min(lake_stream_time) FROM serving.processor_positions WHERE topic = $1) AS lake_time,
            (SELECT max(window_start) FROM serving.kpi_window WHERE finalized_at IS NOT NULL) AS finalized,
            (SELECT count(*)::int FROM serving.processor_positions WHERE topic = $1 AND lake_stream_time IS NULL) AS partitions`,
    [topic],
  );
  if (row === undefined || row.lake_time === null || row.finalized === null || row.partitions > 0)
    return undefined;
  const lakeSettled = Math.floor((row.lake_time.getTime() - watermarkMs) / MINUTE_MS) * MINUTE_MS;
  return Math.min(lakeSettled, row.finalized.getTime() + MINUTE_MS);
}

/** The KPI a mismatch's metric names: itself, or the counter of a breakdown (`channel=web:revenue`). */
export function counterOf(metric: string): KpiMetric {
  return metric.slice(metric.lastIndexOf(':') + 1) as KpiMetric;
}

/**
 * Compares every reference KPI of every settled minute in the range, and every value of the
 * dimension breakdowns (per channel, category and store): serving.kpi_minute and
 * serving.kpi_dim_counts as the stream processor committed them against an independent recompute
 * from Silver (DuckDB SQL over the lake, sharing no code with the streaming accumulator). A value missing on one side counts as 0
 * (a window Gold never saw, or that Silver has no event of, differs in every non-zero metric).
 */
export async function reconcileKpis(
  lake: Lake,
  store: SqlExecutor,
  range: ReconcileRange,
): Promise<KpiReconciliation> {
  const fromMs = Math.floor(range.fromMs / MINUTE_MS) * MINUTE_MS;
  const horizon = await settledHorizonMs(store, range.topic, range.watermarkMs);
  const toMs = Math.max(fromMs, Math.min(Math.floor(range.toMs / MINUTE_MS) * MINUTE_MS, horizon ?? fromMs));
  if (toMs <= fromMs)
    return {
      fromMs,
      toMs: fromMs,
      windowsChecked: 0,
      valuesChecked: 0,
      dimensionValuesChecked: 0,
      mismatches: [],
      maxDifference: 0,
      silverVersion: null,
    };
  // One Silver version for both recomputes: the one asked for, else the latest now.
  const pinned = range.silverVersion ?? (await lake.files.snapshot('silver'))?.version ?? EMPTY_VERSION;
  const silverVersion = pinned === EMPTY_VERSION ? null : pinned;
  const silverRange = { fromMs, toMs, silverVersion: pinned };
  const bounds = [new Date(fromMs).toISOString(), new Date(toMs).toISOString()];
  const [streaming, batch, streamingDims, batchDims] = await Promise.all([
    store.query<{ window_start: Date; metric: string; value: number }>(
      `SELECT window_start, metric, value FROM serving.kpi_minute
       WHERE window_start >= $1::timestamptz AND window_start < $2::timestamptz`,
      bounds,
    ),
    recomputeKpiMinuteFromSilver(lake, silverRange),
    store.query<{ window_start: Date; dimension: string; dim_value: string; counter: string; value: number }>(
      `SELECT window_start, dimension, dim_value, counter, value FROM serving.kpi_dim_counts
       WHERE window_start >= $1::timestamptz AND window_start < $2::timestamptz`,
      bounds,
    ),
    recomputeDimCountsFromSilver(lake, silverRange),
  ]);
  // One key space for both tables: `<minute>|<KPI>` and `<minute>|<dimension>=<value>:<counter>`.
  const key = (windowStart: Date | string, metric: string) =>
    `${new Date(windowStart).toISOString()}|${metric}`;
  const dimMetric = (r: { dimension: string; dim_value: string; counter: string }) =>
    `${r.dimension}=${r.dim_value}:${r.counter}`;
  const gold = new Map([
    ...streaming.map((r) => [key(r.window_start, r.metric), r.value] as const),
    ...streamingDims.map((r) => [key(r.window_start, dimMetric(r)), r.value] as const),
  ]);
  const silver = new Map([
    ...batch.map((r) => [key(r.window_start, r.metric), r.value] as const),
    ...batchDims.map((r) => [key(r.window_start, dimMetric(r)), r.value] as const),
  ]);
  // Per minute on either side: every KPI, and the breakdown values present on either side (Gold
  // writes no row for a counter an event never bumped, the recompute leaves zeros out).
  const breakdownsByMinute = new Map<string, Set<string>>();
  for (const k of [...gold.keys(), ...silver.keys()]) {
    const bar = k.indexOf('|');
    const windowStart = k.slice(0, bar);
    const metric = k.slice(bar + 1);
    const dims = breakdownsByMinute.get(windowStart) ?? new Set<string>();
    breakdownsByMinute.set(windowStart, dims);
    if (!KPI_NAMES.has(metric)) dims.add(metric);
  }
  const mismatches: KpiMismatch[] = [];
  let maxDifference = 0;
  let dimensionValuesChecked = 0;
  for (const windowStart of [...breakdownsByMinute.keys()].sort()) {
    const dims = [...breakdownsByMinute.get(windowStart)!].sort();
    dimensionValuesChecked += dims.length;
    for (const metric of [...KPI_METRICS, ...dims]) {
      // A value missing on one side counts as 0.
      const s = gold.get(key(windowStart, metric)) ?? null;
      const b = silver.get(key(windowStart, metric)) ?? null;
      const difference = Math.abs((s ?? 0) - (b ?? 0));
      maxDifference = Math.max(maxDifference, difference);
      if (difference > KPI_TOLERANCE[counterOf(metric)])
        mismatches.push({ windowStart, metric, streaming: s, batch: b, difference });
    }
  }
  const windowsChecked = breakdownsByMinute.size;
  return {
    fromMs,
    toMs,
    windowsChecked,
    valuesChecked: windowsChecked * KPI_METRICS.length + dimensionValuesChecked,
    dimensionValuesChecked,
    mismatches,
    maxDifference,
    silverVersion,
  };
}
