import { col, type DayModel } from '../mart-model.js';

/**
 * product_analytics: one row per (date, product_id) with product activity that day (every event
 * with a product_id except inventory_update):
 *   views = click + page_view events; viewing_sessions = distinct sessions with a view;
 *   cart_adds = add_to_cart events, cart_units = their quantity; purchases = purchase events
 *   (order lines), orders = distinct order_id, units_sold = their quantity, revenue = their amount;
 *   refund_amount = amount of the day's refund events of the product;
 *   converted_sessions = sessions that viewed AND purchased the product;
 *   view_to_purchase_rate = converted_sessions / viewing_sessions (0 without views);
 *   revenue_rank = 1 for the day's best seller (revenue, then units, views, product_id).
 */
const SQL = (ev: string) => `
WITH e AS (
  SELECT * FROM ${ev} WHERE product_id IS NOT NULL AND event_type <> 'inventory_update'
), s AS (
  SELECT product_id, session_id, bool_or(event_type IN ('click', 'page_view')) AS viewed,
    bool_or(event_type = 'purchase') AS bought
  FROM e GROUP BY product_id, session_id
), ss AS (
  SELECT product_id, count(*) FILTER (WHERE viewed) AS viewing_sessions,
    count(*) FILTER (WHERE viewed AND bought) AS converted_sessions
  FROM s GROUP BY product_id
), p AS (
  SELECT product_id,
    arg_max(category, event_time) FILTER (WHERE category IS NOT NULL) AS category,
    count(*) FILTER (WHERE event_type IN ('click', 'page_view')) AS views,
    count(*) FILTER (WHERE event_type = 'add_to_cart') AS cart_adds,
    coalesce(sum(quantity) FILTER (WHERE event_type = 'add_to_cart'), 0) AS cart_units,
    count(*) FILTER (WHERE event_type = 'purchase') AS purchases,
    count(DISTINCT order_id) FILTER (WHERE event_type = 'purchase') AS orders,
    coalesce(sum(quantity) FILTER (WHERE event_type = 'purchase'), 0) AS units_sold,
    coalesce(sum(amount) FILTER (WHERE event_type = 'purchase'), 0) AS revenue,
    coalesce(sum(amount) FILTER (WHERE event_type = 'refund'), 0) AS refund_amount
  FROM e GROUP BY product_id
)
SELECT $1::DATE AS date, p.product_id, p.category, p.views, ss.viewing_sessions, p.cart_adds,
  p.cart_units, p.purchases, p.orders, p.units_sold, p.revenue, p.refund_amount, ss.converted_sessions,
  CAST(CASE WHEN ss.viewing_sessions = 0 THEN 0 ELSE ss.converted_sessions / ss.viewing_sessions END AS DOUBLE)
    AS view_to_purchase_rate,
  CAST(row_number() OVER (ORDER BY p.revenue DESC, p.units_sold DESC, p.views DESC, p.product_id) AS INTEGER)
    AS revenue_rank
FROM p JOIN ss USING (product_id)`;

export const productAnalytics: DayModel = {
  kind: 'day',
  name: 'product_analytics',
  description: 'Views, cart adds, purchases, view-to-purchase rate, revenue and rank per product and day',
  published: true,
  partitionColumn: 'date',
  readsDays: [0],
  upstream: [],
  key: ['date', 'product_id'],
  columns: [
    col('date', 'date'),
    col('product_id', 'text'),
    col('category', 'text'),
    col('views', 'bigint'),
    col('viewing_sessions', 'bigint'),
    col('cart_adds', 'bigint'),
    col('cart_units', 'bigint'),
    col('purchases', 'bigint'),
    col('orders', 'bigint'),
    col('units_sold', 'bigint'),
    col('revenue', 'numeric'),
    col('refund_amount', 'numeric'),
    col('converted_sessions', 'bigint'),
    col('view_to_purchase_rate', 'double precision'),
    col('revenue_rank', 'integer'),
  ],
  tests: [
    { kind: 'unique', columns: ['date', 'product_id'] },
    { kind: 'unique', columns: ['date', 'revenue_rank'] },
    { kind: 'not_null', columns: ['date', 'product_id', 'revenue', 'revenue_rank'] },
  ],
  sql: (r) => SQL(r('ev')),
  params: (p) => [p.day],
};
