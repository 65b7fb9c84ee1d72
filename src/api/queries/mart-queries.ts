import type { ApiStore } from './api-store.js';

/** A range of mart days, both included, `YYYY-MM-DD`. */
export interface DayRange {
  readonly from: string;
  readonly to: string;
}

export interface Page {
  readonly limit: number;
  readonly offset: number;
}

const num = (v: unknown): number => Number(v ?? 0);

export interface DailySummaryRow {
  date: string;
  events: number;
  revenue: number;
  orders: number;
  grossRevenue: number;
  netRevenue: number;
  newCustomerOrders: number;
  repeatOrders: number;
  avgOrderValue: number;
  sessions: number;
  convertedSessions: number;
  conversionRate: number;
}

/**
 * Per day of the range that has data: events and purchase revenue from daily_aggregations; orders,
 * gross and net revenue, new vs repeat from fact_orders (streamed and imported); sessions and session
 * conversion (converted / sessions) from sessions. avgOrderValue = fact_orders gross / orders.
 */
export async function dailySummary(store: ApiStore, r: DayRange): Promise<DailySummaryRow[]> {
  const rows = await store.query<Record<string, unknown>>(
    `WITH d AS (SELECT date, sum(total_events) AS events, sum(total_revenue) AS revenue FROM mart.daily_aggregations
                WHERE date BETWEEN $1::date AND $2::date GROUP BY date),
       o AS (SELECT order_date AS date, count(*) AS orders, sum(gross_revenue) AS gross, sum(net_revenue) AS net,
               count(*) FILTER (WHERE customer_type = 'new') AS new_orders, count(*) FILTER (WHERE customer_type = 'repeat') AS repeat_orders
             FROM mart.fact_orders WHERE order_date BETWEEN $1::date AND $2::date GROUP BY order_date),
       s AS (SELECT session_date AS date, count(*) AS sessions, count(*) FILTER (WHERE has_purchase) AS converted
             FROM mart.sessions WHERE session_date BETWEEN $1::date AND $2::date GROUP BY session_date)
     SELECT date::text AS date, d.events, d.revenue, o.orders, o.gross, o.net, o.new_orders, o.repeat_orders, s.sessions, s.converted
     FROM d FULL JOIN o USING (date) FULL JOIN s USING (date) ORDER BY date`,
    [r.from, r.to],
  );
  return rows.map((x) => ({
    date: String(x['date']),
    events: num(x['events']),
    revenue: num(x['revenue']),
    orders: num(x['orders']),
    grossRevenue: num(x['gross']),
    netRevenue: num(x['net']),
    newCustomerOrders: num(x['new_orders']),
    repeatOrders: num(x['repeat_orders']),
    avgOrderValue: num(x['orders']) === 0 ? 0 : num(x['gross']) / num(x['orders']),
    sessions: num(x['sessions']),
    convertedSessions: num(x['converted']),
    conversionRate: num(x['sessions']) === 0 ? 0 : num(x['converted']) / num(x['sessions']),
  }));
}

/** daily_aggregations rows (the reference shape), filtered and paged, with the total count. */
export async function dailyAggregations(
  store: ApiStore,
  q: DayRange & Page & { category?: string | undefined; eventType?: string | undefined },
): Promise<{ rows: Record<string, unknown>[]; total: number }> {
  const where = `date BETWEEN $1::date AND $2::date AND ($3::text IS NULL OR category = $3) AND ($4::text IS NULL OR event_type = $4)`;
  const params = [q.from, q.to, q.category ?? null, q.eventType ?? null];
  const [count] = await store.query<{ n: number }>(
    `SELECT count(*)::int8 AS n FROM mart.daily_aggregations WHERE ${where}`,
    params,
  );
  const rows = await store.query<Record<string, unknown>>(
    `SELECT date::text AS date, category, event_type AS "eventType", total_events AS "totalEvents",
       total_revenue::float8 AS "totalRevenue", unique_users AS "uniqueUsers", unique_sessions AS "uniqueSessions",
       conversion_rate AS "conversionRate", avg_order_value AS "avgOrderValue", top_products AS "topProducts"
     FROM mart.daily_aggregations WHERE ${where}
     ORDER BY date DESC, category COLLATE "C", event_type COLLATE "C" LIMIT $5 OFFSET $6`,
    [...params, q.limit, q.offset],
  );
  return { rows, total: num(count?.n) };
}

const TOP_ORDER = {
  revenue: 'revenue DESC, units DESC',
  units: 'units DESC, revenue DESC',
  views: 'views DESC, revenue DESC',
} as const;

/** Products summed over the range from product_analytics; the rate re-derived from summed sessions. */
export async function topMartProducts(
  store: ApiStore,
  q: DayRange & Page & { by: keyof typeof TOP_ORDER; category?: string | undefined },
): Promise<{ rows: Record<string, unknown>[]; total: number }> {
  const where = `date BETWEEN $1::date AND $2::date AND ($3::text IS NULL OR category = $3)`;
  const params = [q.from, q.to, q.category ?? null];
  const [count] = await store.query<{ n: number }>(
    `SELECT count(DISTINCT product_id)::int8 AS n FROM mart.product_analytics WHERE ${where}`,
    params,
  );
  const rows = await store.query<Record<string, unknown>>(
    `SELECT product_id AS "productId", max(category) AS category, sum(views)::float8 AS views,
       sum(cart_adds)::float8 AS "cartAdds", sum(orders)::float8 AS orders, sum(units_sold)::float8 AS units,
       sum(revenue)::float8 AS revenue, sum(refund_amount)::float8 AS "refundAmount",
       CASE WHEN sum(viewing_sessions) = 0 THEN 0 ELSE sum(converted_sessions)::float8 / sum(viewing_sessions) END AS "viewToPurchaseRate"
     FROM mart.product_analytics WHERE ${where}
     GROUP BY product_id ORDER BY ${TOP_ORDER[q.by]}, product_id LIMIT $4 OFFSET $5`,
    [...params, q.limit, q.offset],
  );
  return { rows, total: num(count?.n) };
}
