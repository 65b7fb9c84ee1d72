import { col, type WarehouseModel } from '../mart-model.js';
import type { WarehouseStep } from './warehouse-step.js';

/**
 * wh_lines (internal): every order line. Streamed lines are the staging purchase lines of all days
 * re-aggregated per (order_id, line_key); an imported line counts only when no streamed purchase has
 * its order_id (an order both imported and streamed is taken from the stream, as a whole).
 * Refunds per line: refunded_quantity = units of the streamed refund events of the line;
 *   refund_amount = imported refund_amount + amount of priced refunds + unpriced units x unit_price.
 * An order's time is its first line's; its lines are dated with it (order_date) and keep their own
 * line_date (the day Gold counted them).
 */
const LINES = (r: (n: string) => string) => `
WITH s AS (
  SELECT order_id, line_key, any_value(product_id) AS product_id,
    arg_min(customer_id, first_time) AS customer_id, min(first_time) AS line_time,
    sum(quantity) AS quantity, sum(gross) AS gross, arg_min(unit_price, first_time) AS unit_price,
    arg_min(currency, first_time) FILTER (WHERE currency IS NOT NULL) AS currency,
    arg_min(channel, first_time) FILTER (WHERE channel IS NOT NULL) AS channel,
    arg_min(store_id, first_time) FILTER (WHERE store_id IS NOT NULL) AS store_id,
    arg_min(category, first_time) FILTER (WHERE category IS NOT NULL) AS category,
    arg_min(country, first_time) FILTER (WHERE country IS NOT NULL) AS country,
    CAST(0 AS DECIMAL(38,6)) AS imported_refund, 'stream' AS source
  FROM ${r('stg_purchase_lines')} GROUP BY order_id, line_key
), i AS (
  SELECT order_id, line_key, product_id, customer_id, order_time AS line_time, quantity,
    gross_revenue AS gross, unit_price, currency, channel, store_id, CAST(NULL AS VARCHAR) AS category,
    CAST(NULL AS VARCHAR) AS country, refund_amount AS imported_refund, 'import' AS source
  FROM ${r('import_order_lines')} WHERE order_id NOT IN (SELECT order_id FROM s)
), l AS (
  SELECT * FROM s UNION ALL BY NAME SELECT * FROM i
), rf AS (
  SELECT order_id, line_key, sum(quantity) AS quantity, sum(priced_amount) AS priced,
    sum(unpriced_quantity) AS unpriced
  FROM ${r('stg_refund_lines')} GROUP BY order_id, line_key
), o AS (
  SELECT order_id, min(line_time) AS order_time FROM l GROUP BY order_id
)
SELECT l.order_id, l.line_key, o.order_time, CAST(o.order_time AS DATE) AS order_date,
  CAST(strftime(o.order_time, '%Y%m%d') AS INTEGER) AS order_date_key,
  l.line_time, CAST(l.line_time AS DATE) AS line_date, l.customer_id, l.product_id,
  coalesce(p.category, l.category) AS category, CAST(l.quantity AS INTEGER) AS quantity,
  CAST(l.unit_price AS DECIMAL(38,6)) AS unit_price, CAST(l.gross AS DECIMAL(38,6)) AS gross_revenue,
  CAST(coalesce(rf.quantity, 0) AS INTEGER) AS refunded_quantity,
  CAST(l.imported_refund + coalesce(rf.priced, 0) + coalesce(rf.unpriced, 0) * l.unit_price AS DECIMAL(38,6))
    AS refund_amount,
  l.currency, l.channel, l.store_id, l.country, l.source
FROM l JOIN o USING (order_id)
LEFT JOIN rf USING (order_id, line_key)
LEFT JOIN ${r('import_products')} p ON p.product_id = l.product_id`;

export const orderLinesStep: WarehouseStep = { name: 'wh_lines', sql: LINES };

export const factOrderLines: WarehouseModel = {
  kind: 'warehouse',
  name: 'fact_order_lines',
  description: 'One row per order line (streamed purchases and imported history), with refunds',
  published: true,
  partitionColumn: 'order_date',
  upstream: ['stg_purchase_lines', 'stg_refund_lines'],
  key: ['order_id', 'line_key'],
  columns: [
    col('order_id', 'text'),
    col('line_key', 'text'),
    col('order_date', 'date'),
    col('order_date_key', 'integer'),
    col('line_time', 'timestamptz'),
    col('line_date', 'date'),
    col('customer_id', 'text'),
    col('product_id', 'text'),
    col('category', 'text'),
    col('quantity', 'integer'),
    col('unit_price', 'numeric'),
    col('gross_revenue', 'numeric'),
    col('refunded_quantity', 'integer'),
    col('refund_amount', 'numeric'),
    col('net_revenue', 'numeric'),
    col('currency', 'text'),
    col('channel', 'text'),
    col('store_id', 'text'),
    col('source', 'text'),
  ],
  tests: [
    { kind: 'unique', columns: ['order_id', 'line_key'] },
    { kind: 'not_null', columns: ['order_id', 'customer_id', 'order_date', 'gross_revenue', 'unit_price'] },
    { kind: 'accepted_values', column: 'source', values: ['stream', 'import'] },
    { kind: 'relationships', column: 'order_id', to: 'fact_orders', toColumn: 'order_id' },
    { kind: 'relationships', column: 'product_id', to: 'dim_products', toColumn: 'product_id' },
  ],
  sql: (r) =>
    `SELECT *, CAST(gross_revenue - refund_amount AS DECIMAL(38,6)) AS net_revenue FROM ${r('wh_lines')}`,
};
