import { col, type DayModel } from '../mart-model.js';

/**
 * Staging models (lake only): the day's purchase and refund lines, one row per
 * (order_id, line_key) with line_key = coalesce(product_id, ''). The warehouse models re-aggregate
 * them over all days (an order's lines may fall on two days), so they never rescan Silver.
 */
const PURCHASES = (ev: string) => `
SELECT $1::DATE AS date, order_id, coalesce(product_id, '') AS line_key, any_value(product_id) AS product_id,
  arg_min(user_id, event_time) AS customer_id, min(event_time) AS first_time,
  CAST(sum(quantity) AS BIGINT) AS quantity, sum(amount) AS gross, arg_min(CAST(price AS DECIMAL(18,6)), event_time) AS unit_price,
  arg_min(currency, event_time) FILTER (WHERE currency IS NOT NULL) AS currency,
  arg_min(channel, event_time) FILTER (WHERE channel IS NOT NULL) AS channel,
  arg_min(store_id, event_time) FILTER (WHERE store_id IS NOT NULL) AS store_id,
  arg_min(category, event_time) FILTER (WHERE category IS NOT NULL) AS category,
  arg_min(country, event_time) FILTER (WHERE country IS NOT NULL) AS country
FROM ${ev} WHERE event_type = 'purchase' AND order_id IS NOT NULL
GROUP BY order_id, coalesce(product_id, '')`;

/** priced_amount: amount of refund events with a price; unpriced_quantity: units refunded without one. */
const REFUNDS = (ev: string) => `
SELECT $1::DATE AS date, order_id, coalesce(product_id, '') AS line_key,
  CAST(sum(coalesce(quantity, 1)) AS BIGINT) AS quantity,
  coalesce(sum(amount), 0) AS priced_amount,
  CAST(coalesce(sum(coalesce(quantity, 1)) FILTER (WHERE amount IS NULL), 0) AS BIGINT) AS unpriced_quantity,
  min(event_time) AS first_time
FROM ${ev} WHERE event_type = 'refund' AND order_id IS NOT NULL
GROUP BY order_id, coalesce(product_id, '')`;

const staging = (name: 'stg_purchase_lines' | 'stg_refund_lines') => ({
  kind: 'day' as const,
  name,
  published: false,
  partitionColumn: 'date',
  readsDays: [0],
  upstream: [],
  key: ['date', 'order_id', 'line_key'],
  tests: [{ kind: 'unique' as const, columns: ['date', 'order_id', 'line_key'] }],
  params: (p: { day: string }) => [p.day],
});

export const stagingPurchaseLines: DayModel = {
  ...staging('stg_purchase_lines'),
  description: "Staging: the day's purchase lines per (order_id, product)",
  columns: [
    col('date', 'date'),
    col('order_id', 'text'),
    col('line_key', 'text'),
    col('product_id', 'text'),
    col('customer_id', 'text'),
    col('first_time', 'timestamptz'),
    col('quantity', 'bigint'),
    col('gross', 'numeric'),
    col('unit_price', 'numeric'),
    col('currency', 'text'),
    col('channel', 'text'),
    col('store_id', 'text'),
    col('category', 'text'),
    col('country', 'text'),
  ],
  sql: (r) => PURCHASES(r('ev')),
};

export const stagingRefundLines: DayModel = {
  ...staging('stg_refund_lines'),
  description: "Staging: the day's refund lines per (order_id, product)",
  columns: [
    col('date', 'date'),
    col('order_id', 'text'),
    col('line_key', 'text'),
    col('quantity', 'bigint'),
    col('priced_amount', 'numeric'),
    col('unpriced_quantity', 'bigint'),
    col('first_time', 'timestamptz'),
  ],
  sql: (r) => REFUNDS(r('ev')),
};
