import type { ApiStore } from './api-store.js';
import { isoSql } from './api-store.js';

const num = (v: unknown): number => Number(v ?? 0);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** The as-of day asked, else the newest stored RFM snapshot's; null when there is none. */
export async function resolveRfmAsOf(store: ApiStore, asOf: string | undefined): Promise<string | null> {
  if (asOf !== undefined) return asOf;
  const [row] = await store.query<{ d: string | null }>(
    `SELECT max(as_of_date)::text AS d FROM mart.customer_rfm`,
  );
  return row?.d ?? null;
}

/** Per segment of the as-of day's snapshot: size, revenue and their shares (segments in `names` order). */
export async function segmentStats(store: ApiStore, asOf: string, names: readonly string[]) {
  const rows = await store.query<Record<string, unknown>>(
    `SELECT segment, count(*)::int8 AS customers, sum(monetary)::float8 AS revenue,
       avg(recency_days)::float8 AS recency, avg(frequency)::float8 AS frequency
     FROM mart.customer_rfm WHERE as_of_date = $1::date GROUP BY segment`,
    [asOf],
  );
  const customers = rows.reduce((s, r) => s + num(r['customers']), 0);
  const revenue = rows.reduce((s, r) => s + num(r['revenue']), 0);
  const by = new Map(rows.map((r) => [String(r['segment']), r]));
  const all = [...names, ...[...by.keys()].filter((s) => !names.includes(s))];
  const segments = all.map((segment) => {
    const r = by.get(segment);
    return {
      segment,
      customers: num(r?.['customers']),
      customerShare: customers === 0 ? 0 : num(r?.['customers']) / customers,
      revenue: num(r?.['revenue']),
      revenueShare: revenue === 0 ? 0 : num(r?.['revenue']) / revenue,
      avgRecencyDays: num(r?.['recency']),
      avgFrequency: num(r?.['frequency']),
    };
  });
  return { customers, segments };
}

export async function rfmSnapshotDays(store: ApiStore): Promise<string[]> {
  const rows = await store.query<{ d: string }>(
    `SELECT DISTINCT as_of_date::text AS d FROM mart.customer_rfm ORDER BY d DESC LIMIT 90`,
  );
  return rows.map((r) => r.d);
}

/** The newest CLV run (the one mart.customer_clv holds), or null. */
export async function latestClvRun(store: ApiStore) {
  const [r] = await store.query<Record<string, unknown>>(
    `SELECT run_id, as_of_date::text AS as_of, ${isoSql('finished_at')} AS finished_at, c.* FROM mart.clv_runs c
     WHERE run_id = (SELECT run_id FROM mart.customer_clv LIMIT 1)`,
  );
  if (r === undefined) return null;
  return {
    runId: String(r['run_id']),
    asOf: String(r['as_of']),
    finishedAt: String(r['finished_at']),
    customers: num(r['customers']),
    horizonMonths: num(r['horizon_months']),
    monthlyDiscountRate: num(r['monthly_discount_rate']),
    purchasesHorizonDays: num(r['purchases_horizon_days']),
    bgNbd: {
      r: numOrNull(r['bgnbd_r']),
      alpha: numOrNull(r['bgnbd_alpha']),
      a: numOrNull(r['bgnbd_a']),
      b: numOrNull(r['bgnbd_b']),
      logLikelihood: numOrNull(r['bgnbd_log_likelihood']),
      iterations: num(r['bgnbd_iterations']),
      converged: r['bgnbd_converged'] === true,
      fitMs: num(r['bgnbd_fit_ms']),
    },
    gammaGamma: {
      customers: num(r['gg_customers']),
      p: numOrNull(r['gg_p']),
      q: numOrNull(r['gg_q']),
      v: numOrNull(r['gg_v']),
      logLikelihood: numOrNull(r['gg_log_likelihood']),
      iterations: num(r['gg_iterations']),
      converged: r['gg_converged'] === true,
      fitMs: num(r['gg_fit_ms']),
    },
  };
}

const BUCKETS = 10;

/** Totals, a 10-bucket histogram of predicted CLV (0 .. p99, the last bucket open) and the top customers. */
export async function clvSummary(store: ApiStore, top: number) {
  const [t] = await store.query<Record<string, unknown>>(
    `SELECT count(*)::int8 AS n, coalesce(sum(historical_clv), 0)::float8 AS hist,
       coalesce(sum(predicted_clv), 0)::float8 AS pred, coalesce(avg(predicted_clv), 0)::float8 AS mean,
       coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY predicted_clv), 0)::float8 AS median,
       coalesce(percentile_cont(0.99) WITHIN GROUP (ORDER BY predicted_clv), 0)::float8 AS p99
     FROM mart.customer_clv`,
  );
  const p99 = num(t?.['p99']);
  const width = p99 > 0 ? p99 / BUCKETS : 1;
  const hist = await store.query<{ bucket: number; n: number }>(
    `SELECT least(greatest(floor(predicted_clv / $1::float8), 0), $2::int - 1)::int AS bucket, count(*)::int8 AS n
     FROM mart.customer_clv GROUP BY 1`,
    [width, BUCKETS],
  );
  const counts = new Map(hist.map((h) => [num(h.bucket), num(h.n)]));
  const distribution = Array.from({ length: BUCKETS }, (_, i) => ({
    from: i * width,
    to: i === BUCKETS - 1 ? Number.MAX_VALUE : (i + 1) * width,
    customers: counts.get(i) ?? 0,
  }));
  const topRows = await store.query<Record<string, unknown>>(
    `SELECT c.customer_id, r.segment, c.orders, c.historical_clv::float8 AS hist, c.predicted_clv AS pred,
       c.probability_alive AS alive, c.expected_purchases AS purchases
     FROM mart.customer_clv c LEFT JOIN mart.customer_rfm r ON r.customer_id = c.customer_id AND r.as_of_date = c.as_of_date
     ORDER BY c.predicted_clv DESC, c.customer_id LIMIT $1`,
    [top],
  );
  return {
    totals: {
      customers: num(t?.['n']),
      historicalClv: num(t?.['hist']),
      predictedClv: num(t?.['pred']),
      meanPredictedClv: num(t?.['mean']),
      medianPredictedClv: num(t?.['median']),
    },
    distribution,
    top: topRows.map((r) => ({
      customerId: String(r['customer_id']),
      segment: r['segment'] === null || r['segment'] === undefined ? null : String(r['segment']),
      orders: num(r['orders']),
      historicalClv: num(r['hist']),
      predictedClv: num(r['pred']),
      probabilityAlive: num(r['alive']),
      expectedPurchases: num(r['purchases']),
    })),
  };
}

export async function cohortCells(store: ApiStore) {
  const rows = await store.query<Record<string, unknown>>(
    `SELECT cohort_month::text AS "cohortMonth", months_since AS "monthsSince", as_of_date::text AS "asOf",
       cohort_size AS "cohortSize", active_customers AS "activeCustomers", retention, orders,
       revenue::float8 AS revenue, cumulative_revenue_per_customer AS "cumulativeRevenuePerCustomer"
     FROM mart.customer_cohorts ORDER BY cohort_month, months_since`,
  );
  return {
    asOf: rows.length === 0 ? null : String(rows[0]!['asOf']),
    cohorts: rows.map(({ asOf: _asOf, ...cell }) => ({
      cohortMonth: String(cell['cohortMonth']),
      monthsSince: num(cell['monthsSince']),
      cohortSize: num(cell['cohortSize']),
      activeCustomers: num(cell['activeCustomers']),
      retention: num(cell['retention']),
      orders: num(cell['orders']),
      revenue: num(cell['revenue']),
      cumulativeRevenuePerCustomer: num(cell['cumulativeRevenuePerCustomer']),
    })),
  };
}

/** One customer's latest RFM, segment history and CLV; null when no snapshot or run knows it. */
export async function customerDetail(store: ApiStore, customerId: string) {
  const history = await store.query<Record<string, unknown>>(
    `SELECT as_of_date::text AS as_of, recency_days, frequency, monetary::float8 AS monetary,
       r_score, f_score, m_score, rfm_score, segment
     FROM mart.customer_rfm WHERE customer_id = $1 ORDER BY as_of_date DESC LIMIT 365`,
    [customerId],
  );
  const [c] = await store.query<Record<string, unknown>>(
    `SELECT as_of_date::text AS as_of, frequency, recency_days, age_days, avg_repeat_value, orders,
       historical_clv::float8 AS hist, expected_purchases, probability_alive, expected_spend, predicted_clv
     FROM mart.customer_clv WHERE customer_id = $1`,
    [customerId],
  );
  if (history.length === 0 && c === undefined) return null;
  const last = history[0];
  return {
    rfm:
      last === undefined
        ? null
        : {
            asOf: String(last['as_of']),
            recencyDays: num(last['recency_days']),
            frequency: num(last['frequency']),
            monetary: num(last['monetary']),
            r: num(last['r_score']),
            f: num(last['f_score']),
            m: num(last['m_score']),
            rfmScore: String(last['rfm_score']),
            segment: String(last['segment']),
          },
    segmentHistory: history
      .map((h) => ({
        asOf: String(h['as_of']),
        segment: String(h['segment']),
        rfmScore: String(h['rfm_score']),
      }))
      .reverse(),
    clv:
      c === undefined
        ? null
        : {
            asOf: String(c['as_of']),
            frequency: num(c['frequency']),
            recencyDays: num(c['recency_days']),
            ageDays: num(c['age_days']),
            avgRepeatValue: num(c['avg_repeat_value']),
            orders: num(c['orders']),
            historicalClv: num(c['hist']),
            expectedPurchases: num(c['expected_purchases']),
            probabilityAlive: num(c['probability_alive']),
            expectedSpend: num(c['expected_spend']),
            predictedClv: num(c['predicted_clv']),
          },
  };
}
