import { col, type WarehouseModel } from '../mart-model.js';

/**
 * dim_products: one row per product seen in product_analytics, sold in fact_order_lines or
 * imported. category: the imported one (master data), else the latest seen in events. Activity:
 * views and cart adds summed over product_analytics; orders, quantity sold, gross, refunds and net
 * revenue over fact_order_lines. price_history: every distinct (currency, unit price) sold or
 * imported, with its first and last time, ordered by first time; current price = the one last
 * seen (ties: currency, then price).
 */
const SQL = (r: (n: string) => string) => `
WITH pa AS (
  SELECT product_id, arg_max(category, date) FILTER (WHERE category IS NOT NULL) AS category,
    min(date) AS first_seen, max(date) AS last_seen, sum(views) AS views, sum(cart_adds) AS cart_adds
  FROM ${r('product_analytics')} GROUP BY product_id
), sold AS (
  SELECT product_id, arg_max(category, line_time) FILTER (WHERE category IS NOT NULL) AS category,
    count(DISTINCT order_id) AS orders, sum(quantity) AS quantity, sum(gross_revenue) AS gross,
    sum(refund_amount) AS refunds, min(line_date) AS first_seen, max(line_date) AS last_seen,
    bool_or(source = 'stream') AS streamed
  FROM ${r('fact_order_lines')} WHERE product_id IS NOT NULL GROUP BY product_id
), obs AS (
  SELECT product_id, currency, unit_price AS price, line_time AS t FROM ${r('fact_order_lines')}
  WHERE product_id IS NOT NULL
  UNION ALL
  SELECT product_id, currency, price, coalesce(created_at, TIMESTAMP '1970-01-01 00:00:00') AS t
  FROM ${r('import_products')} WHERE price IS NOT NULL
), ph AS (
  SELECT product_id, currency, price, min(t) AS first_t, max(t) AS last_t FROM obs GROUP BY ALL
), hist AS (
  SELECT product_id,
    CAST(to_json(list({'currency': currency, 'price': CAST(price AS DOUBLE),
      'first_seen': strftime(first_t, '%Y-%m-%dT%H:%M:%S.%gZ'), 'last_seen': strftime(last_t, '%Y-%m-%dT%H:%M:%S.%gZ')}
      ORDER BY first_t, currency, price)) AS VARCHAR) AS price_history,
    list(price ORDER BY last_t, currency, price)[-1] AS current_price,
    list(currency ORDER BY last_t, currency, price)[-1] AS current_currency
  FROM ph GROUP BY product_id
), ids AS (
  SELECT product_id FROM pa UNION SELECT product_id FROM sold UNION SELECT product_id FROM ${r('import_products')}
)
SELECT ids.product_id, ip.name, coalesce(ip.category, pa.category, sold.category) AS category,
  CAST(hist.current_price AS DECIMAL(38,6)) AS current_price, hist.current_currency,
  coalesce(hist.price_history, '[]') AS price_history,
  least(pa.first_seen, sold.first_seen) AS first_seen_date, greatest(pa.last_seen, sold.last_seen) AS last_seen_date,
  CAST(coalesce(pa.views, 0) AS BIGINT) AS views, CAST(coalesce(pa.cart_adds, 0) AS BIGINT) AS cart_adds,
  CAST(coalesce(sold.orders, 0) AS BIGINT) AS orders, CAST(coalesce(sold.quantity, 0) AS BIGINT) AS quantity_sold,
  CAST(coalesce(sold.gross, 0) AS DECIMAL(38,6)) AS gross_revenue,
  CAST(coalesce(sold.refunds, 0) AS DECIMAL(38,6)) AS refund_amount,
  CAST(coalesce(sold.gross, 0) - coalesce(sold.refunds, 0) AS DECIMAL(38,6)) AS net_revenue,
  CASE WHEN ip.product_id IS NULL THEN 'stream'
    WHEN pa.product_id IS NOT NULL OR coalesce(sold.streamed, false) THEN 'both' ELSE 'import' END AS source
FROM ids LEFT JOIN pa USING (product_id) LEFT JOIN sold USING (product_id)
LEFT JOIN hist USING (product_id) LEFT JOIN ${r('import_products')} ip USING (product_id)`;

export const dimProducts: WarehouseModel = {
  kind: 'warehouse',
  name: 'dim_products',
  description: 'Products: category, price history, views, quantity sold, revenue net of refunds',
  published: true,
  partitionColumn: null,
  upstream: ['product_analytics', 'fact_order_lines'],
  key: ['product_id'],
  columns: [
    col('product_id', 'text'),
    col('name', 'text'),
    col('category', 'text'),
    col('current_price', 'numeric'),
    col('current_currency', 'text'),
    col('price_history', 'jsonb'),
    col('first_seen_date', 'date'),
    col('last_seen_date', 'date'),
    col('views', 'bigint'),
    col('cart_adds', 'bigint'),
    col('orders', 'bigint'),
    col('quantity_sold', 'bigint'),
    col('gross_revenue', 'numeric'),
    col('refund_amount', 'numeric'),
    col('net_revenue', 'numeric'),
    col('source', 'text'),
  ],
  tests: [
    { kind: 'unique', columns: ['product_id'] },
    { kind: 'not_null', columns: ['product_id', 'price_history'] },
    { kind: 'accepted_values', column: 'source', values: ['stream', 'import', 'both'] },
  ],
  sql: SQL,
};
