import { col, type WarehouseModel } from '../mart-model.js';
import type { WarehouseStep } from './warehouse-step.js';

/**
 * wh_orders (internal): one row per order from wh_lines. Refunds of the order = the refunds of its
 * lines + priced refunds of the order that match none of its lines. customer_order_seq numbers a
 * customer's orders over all time (streamed and imported) by order_time, then order_id.
 */
const ORDERS = (r: (n: string) => string) => `
WITH lo AS (
  SELECT order_id, min(order_time) AS order_time, arg_min(customer_id, line_time) AS customer_id,
    arg_min(channel, line_time) FILTER (WHERE channel IS NOT NULL) AS channel,
    arg_min(store_id, line_time) FILTER (WHERE store_id IS NOT NULL) AS store_id,
    arg_min(currency, line_time) FILTER (WHERE currency IS NOT NULL) AS currency,
    arg_min(country, line_time) FILTER (WHERE country IS NOT NULL) AS country,
    any_value(source) AS source, count(*) AS items, sum(quantity) AS quantity,
    sum(gross_revenue) AS gross_revenue, sum(refunded_quantity) AS refunded_quantity,
    sum(refund_amount) AS refund_amount
  FROM ${r('wh_lines')} GROUP BY order_id
), unmatched AS (
  SELECT rf.order_id, sum(rf.priced_amount) AS amount, sum(rf.quantity) AS quantity
  FROM ${r('stg_refund_lines')} rf
  WHERE NOT EXISTS (SELECT 1 FROM ${r('wh_lines')} l WHERE l.order_id = rf.order_id AND l.line_key = rf.line_key)
  GROUP BY rf.order_id
)
SELECT lo.order_id, lo.order_time, lo.customer_id, lo.channel, lo.store_id, lo.currency, lo.country,
  lo.source, lo.items, lo.quantity, lo.gross_revenue,
  lo.refunded_quantity + coalesce(u.quantity, 0) AS refunded_quantity,
  CAST(lo.refund_amount + coalesce(u.amount, 0) AS DECIMAL(38,6)) AS refund_amount,
  row_number() OVER (PARTITION BY lo.customer_id ORDER BY lo.order_time, lo.order_id) AS customer_order_seq
FROM lo LEFT JOIN unmatched u USING (order_id)`;

export const orderBaseStep: WarehouseStep = { name: 'wh_orders', sql: ORDERS };

/** The order's customer_key is the dim_customers version its own order created or continued. */
const FACT = (r: (n: string) => string) => `
SELECT o.order_id, CAST(o.order_time AS DATE) AS order_date,
  CAST(strftime(o.order_time, '%Y%m%d') AS INTEGER) AS order_date_key, o.order_time, o.customer_id,
  o.customer_id || '#' || CAST(v.version AS VARCHAR) AS customer_key, o.store_id, o.channel, o.currency,
  v.country, o.source, CAST(o.items AS INTEGER) AS items, CAST(o.quantity AS INTEGER) AS quantity,
  o.gross_revenue, CAST(o.refunded_quantity AS INTEGER) AS refunded_quantity, o.refund_amount,
  CAST(o.gross_revenue - o.refund_amount AS DECIMAL(38,6)) AS net_revenue,
  CAST(o.customer_order_seq AS INTEGER) AS customer_order_seq,
  CASE WHEN o.customer_order_seq = 1 THEN 'new' ELSE 'repeat' END AS customer_type
FROM ${r('wh_orders')} o
LEFT JOIN ${r('wh_customer_obs')} v ON v.customer_id = o.customer_id AND v.n = o.customer_order_seq`;

export const factOrders: WarehouseModel = {
  kind: 'warehouse',
  name: 'fact_orders',
  description:
    "One row per order: customer (and its SCD2 version), store, channel, revenue, refunds, the customer's order number",
  published: true,
  partitionColumn: 'order_date',
  upstream: ['fact_order_lines', 'dim_customers'],
  key: ['order_id'],
  columns: [
    col('order_id', 'text'),
    col('order_date', 'date'),
    col('order_date_key', 'integer'),
    col('order_time', 'timestamptz'),
    col('customer_id', 'text'),
    col('customer_key', 'text'),
    col('store_id', 'text'),
    col('channel', 'text'),
    col('currency', 'text'),
    col('country', 'text'),
    col('source', 'text'),
    col('items', 'integer'),
    col('quantity', 'integer'),
    col('gross_revenue', 'numeric'),
    col('refunded_quantity', 'integer'),
    col('refund_amount', 'numeric'),
    col('net_revenue', 'numeric'),
    col('customer_order_seq', 'integer'),
    col('customer_type', 'text'),
  ],
  tests: [
    { kind: 'unique', columns: ['order_id'] },
    { kind: 'not_null', columns: ['order_id', 'customer_id', 'customer_key', 'order_date_key'] },
    { kind: 'accepted_values', column: 'customer_type', values: ['new', 'repeat'] },
    { kind: 'accepted_values', column: 'source', values: ['stream', 'import'] },
    { kind: 'relationships', column: 'customer_key', to: 'dim_customers', toColumn: 'customer_key' },
    { kind: 'relationships', column: 'order_date_key', to: 'dim_date', toColumn: 'date_key' },
    { kind: 'relationships', column: 'store_id', to: 'dim_store', toColumn: 'store_id' },
    { kind: 'relationships', column: 'channel', to: 'dim_channel', toColumn: 'channel' },
  ],
  sql: FACT,
};
