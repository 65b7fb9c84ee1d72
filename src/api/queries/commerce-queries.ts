import { isoSql, toIsoParam, type ApiStore } from './api-store.js';

export interface TopProductRow {
  productId: string;
  category: string | null;
  revenue: number;
  units: number;
  clicks: number;
  carts: number;
}

/** Products ranked by revenue or units over [fromMs, toMs) from `serving.product_minute`. */
export async function topProducts(
  store: ApiStore,
  q: { fromMs: number; toMs: number; by: 'revenue' | 'units'; limit: number; category?: string | undefined },
): Promise<TopProductRow[]> {
  const order = q.by === 'units' ? 'units DESC, revenue DESC' : 'revenue DESC, units DESC';
  const rows = await store.query<TopProductRow>(
    `SELECT product_id AS "productId", max(category) AS category, sum(revenue)::float8 AS revenue,
            sum(units)::float8 AS units, sum(clicks)::float8 AS clicks, sum(carts)::float8 AS carts
       FROM serving.product_minute
      WHERE window_start >= $1::timestamptz AND window_start < $2::timestamptz
        AND ($4::text IS NULL OR category = $4)
      GROUP BY product_id ORDER BY ${order}, product_id LIMIT $3`,
    [toIsoParam(q.fromMs), toIsoParam(q.toMs), q.limit, q.category ?? null],
  );
  return rows.map((r) => ({
    ...r,
    revenue: Number(r.revenue),
    units: Number(r.units),
    clicks: Number(r.clicks),
    carts: Number(r.carts),
  }));
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
