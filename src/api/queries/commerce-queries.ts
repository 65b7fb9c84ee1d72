import { isoSql, toIsoParam, type ApiStore } from './api-store.js';
import { PRODUCT_BUCKET_MS, productBucketStartMs } from '../../store/product-rollup-sql.js';

export interface TopProductRow {
  productId: string;
  category: string | null;
  revenue: number;
  units: number;
  clicks: number;
  carts: number;
}

/**
 * Products ranked by revenue or units over [fromMs, toMs): the range's whole 10-minute buckets from
 * `serving.product_10m`, its partial edges (at most 9 minutes at each end) from
 * `serving.product_minute`. An hour reads ~6 buckets and ~9 minutes of rows instead of 60 minutes.
 */
export async function topProducts(
  store: ApiStore,
  q: { fromMs: number; toMs: number; by: 'revenue' | 'units'; limit: number; category?: string | undefined },
): Promise<TopProductRow[]> {
  const order = q.by === 'units' ? 'units DESC, revenue DESC' : 'revenue DESC, units DESC';
  const { bucketsFromMs, bucketsToMs } = wholeBuckets(q.fromMs, q.toMs);
  const columns = 'product_id, category, revenue, units, clicks, carts';
  const rows = await store.query<TopProductRow>(
    `SELECT product_id AS "productId", max(category) AS category, sum(revenue)::float8 AS revenue,
            sum(units)::float8 AS units, sum(clicks)::float8 AS clicks, sum(carts)::float8 AS carts
       FROM (SELECT ${columns} FROM serving.product_minute WHERE window_start >= $1::timestamptz AND window_start < $5::timestamptz
             UNION ALL
             SELECT ${columns} FROM serving.product_10m WHERE bucket_start >= $5::timestamptz AND bucket_start < $6::timestamptz
             UNION ALL
             SELECT ${columns} FROM serving.product_minute WHERE window_start >= $6::timestamptz AND window_start < $2::timestamptz) AS r
      WHERE ($4::text IS NULL OR category = $4)
      GROUP BY product_id ORDER BY ${order}, product_id LIMIT $3`,
    [
      toIsoParam(q.fromMs),
      toIsoParam(q.toMs),
      q.limit,
      q.category ?? null,
      toIsoParam(bucketsFromMs),
      toIsoParam(bucketsToMs),
    ],
  );
  return rows.map((r) => ({
    ...r,
    revenue: Number(r.revenue),
    units: Number(r.units),
    clicks: Number(r.clicks),
    carts: Number(r.carts),
  }));
}

/**
 * The whole buckets inside [fromMs, toMs) as [bucketsFromMs, bucketsToMs); both are toMs when none
 * fits, so the minutes then cover the whole range. Minutes are read from [fromMs, bucketsFromMs)
 * and [bucketsToMs, toMs): every minute of the range exactly once.
 */
export function wholeBuckets(fromMs: number, toMs: number): { bucketsFromMs: number; bucketsToMs: number } {
  const first = Math.ceil(fromMs / PRODUCT_BUCKET_MS) * PRODUCT_BUCKET_MS;
  const last = productBucketStartMs(toMs);
  return first < last
    ? { bucketsFromMs: first, bucketsToMs: last }
    : { bucketsFromMs: toMs, bucketsToMs: toMs };
}

export interface RecentOrderRow {
  orderId: string;
  ts: string;
  userId: string;
  productId: string | null;
  quantity: number;
  amount: number;
  currency: string | null;
  channel: string | null;
  storeId: string | null;
}

/** The newest purchase lines by event time (`serving.recent_orders`). */
export async function recentOrders(store: ApiStore, limit: number): Promise<RecentOrderRow[]> {
  const rows = await store.query<RecentOrderRow>(
    `SELECT order_id AS "orderId", ${isoSql('event_time')} AS ts, user_id AS "userId", product_id AS "productId",
            items::float8 AS quantity, revenue::float8 AS amount,
            currency, channel, store_id AS "storeId"
       FROM serving.recent_orders ORDER BY event_time DESC, order_id LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({ ...r, quantity: Number(r.quantity), amount: Number(r.amount) }));
}
