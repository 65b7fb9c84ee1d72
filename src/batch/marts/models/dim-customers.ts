import { col, type WarehouseModel } from '../mart-model.js';
import type { WarehouseStep } from './warehouse-step.js';

/** Segments until RFM (issue 15): by the number of orders placed so far. */
export const SEGMENTS = ['prospect', 'new', 'repeat', 'loyal'] as const;

/**
 * wh_customer_obs (internal): the observations of each customer in time order, one per order
 * (n = its customer_order_seq) and one per imported customer row (n = 0, at created_at, else at
 * the first order, else 1970-01-01). Each carries the country then (an order without one keeps the
 * last known) and the segment after it: 0 orders so far = prospect, 1 = new, 2-4 = repeat,
 * 5+ = loyal. A new SCD2 version starts at every observation whose (country, segment) differs from
 * the previous one; `version` is the version an observation belongs to.
 */
const OBS = (r: (n: string) => string) => `
WITH firsts AS (
  SELECT customer_id, min(order_time) AS first_order_time FROM ${r('wh_orders')} GROUP BY customer_id
), obs AS (
  SELECT customer_id, order_time AS t, country, customer_order_seq AS n FROM ${r('wh_orders')}
  UNION ALL
  SELECT c.customer_id, coalesce(c.created_at, f.first_order_time, TIMESTAMP '1970-01-01 00:00:00') AS t,
    c.country, 0 AS n
  FROM ${r('import_customers')} c LEFT JOIN firsts f USING (customer_id)
), filled AS (
  SELECT customer_id, t, n,
    coalesce(country, last_value(country IGNORE NULLS) OVER (PARTITION BY customer_id ORDER BY t, n
      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)) AS country,
    max(n) OVER (PARTITION BY customer_id ORDER BY t, n ROWS UNBOUNDED PRECEDING) AS orders_so_far
  FROM obs
), segmented AS (
  SELECT *, CASE WHEN orders_so_far = 0 THEN 'prospect' WHEN orders_so_far = 1 THEN 'new'
    WHEN orders_so_far < 5 THEN 'repeat' ELSE 'loyal' END AS segment
  FROM filled
), changes AS (
  SELECT *, CASE WHEN row_number() OVER w = 1 OR country IS DISTINCT FROM lag(country) OVER w
      OR segment IS DISTINCT FROM lag(segment) OVER w THEN 1 ELSE 0 END AS starts
  FROM segmented WINDOW w AS (PARTITION BY customer_id ORDER BY t, n)
)
SELECT customer_id, t, n, country, segment, starts,
  sum(starts) OVER (PARTITION BY customer_id ORDER BY t, n ROWS UNBOUNDED PRECEDING) AS version
FROM changes`;

export const customerObservationsStep: WarehouseStep = { name: 'wh_customer_obs', sql: OBS };

/**
 * dim_customers: one row per customer version. valid_from = the first observation of the version,
 * valid_to = the next version's valid_from (NULL for the current one). Lifetime measures (orders,
 * gross, refunds, net, AOV = gross / orders) are the customer's totals as of the build, the same on
 * every version (type 1). source: stream, import or both.
 */
const DIM = (r: (n: string) => string) => `
WITH v AS (
  SELECT customer_id, version, min(t) AS valid_from, any_value(country) AS country, any_value(segment) AS segment
  FROM ${r('wh_customer_obs')} WHERE starts = 1 GROUP BY customer_id, version
), m AS (
  SELECT customer_id, min(order_time) AS first_order_time, max(order_time) AS last_order_time,
    count(*) AS orders, sum(gross_revenue) AS gross, sum(refund_amount) AS refunds,
    bool_or(source = 'stream') AS streamed, bool_or(source = 'import') AS imported
  FROM ${r('wh_orders')} GROUP BY customer_id
)
SELECT v.customer_id || '#' || CAST(v.version AS VARCHAR) AS customer_key, v.customer_id,
  CAST(v.version AS INTEGER) AS version, v.valid_from,
  lead(v.valid_from) OVER (PARTITION BY v.customer_id ORDER BY v.version) AS valid_to,
  v.version = max(v.version) OVER (PARTITION BY v.customer_id) AS is_current, v.country, v.segment,
  c.created_at AS signup_time, m.first_order_time, m.last_order_time,
  CAST(coalesce(m.orders, 0) AS INTEGER) AS lifetime_orders,
  CAST(coalesce(m.gross, 0) AS DECIMAL(38,6)) AS gross_revenue,
  CAST(coalesce(m.refunds, 0) AS DECIMAL(38,6)) AS refund_amount,
  CAST(coalesce(m.gross, 0) - coalesce(m.refunds, 0) AS DECIMAL(38,6)) AS net_revenue,
  CAST(CASE WHEN coalesce(m.orders, 0) = 0 THEN 0 ELSE m.gross / m.orders END AS DOUBLE) AS avg_order_value,
  CASE WHEN coalesce(m.streamed, false) AND (c.customer_id IS NOT NULL OR m.imported) THEN 'both'
    WHEN coalesce(m.streamed, false) THEN 'stream' ELSE 'import' END AS source
FROM v LEFT JOIN m USING (customer_id) LEFT JOIN ${r('import_customers')} c USING (customer_id)`;

export const dimCustomers: WarehouseModel = {
  kind: 'warehouse',
  name: 'dim_customers',
  description:
    'Customers (imported and streamed buyers), SCD type 2 on country and segment, lifetime value so far',
  published: true,
  partitionColumn: null,
  upstream: ['fact_order_lines'],
  key: ['customer_key'],
  columns: [
    col('customer_key', 'text'),
    col('customer_id', 'text'),
    col('version', 'integer'),
    col('valid_from', 'timestamptz'),
    col('valid_to', 'timestamptz'),
    col('is_current', 'boolean'),
    col('country', 'text'),
    col('segment', 'text'),
    col('signup_time', 'timestamptz'),
    col('first_order_time', 'timestamptz'),
    col('last_order_time', 'timestamptz'),
    col('lifetime_orders', 'integer'),
    col('gross_revenue', 'numeric'),
    col('refund_amount', 'numeric'),
    col('net_revenue', 'numeric'),
    col('avg_order_value', 'double precision'),
    col('source', 'text'),
  ],
  tests: [
    { kind: 'unique', columns: ['customer_key'] },
    { kind: 'unique', columns: ['customer_id', 'version'] },
    { kind: 'not_null', columns: ['customer_key', 'customer_id', 'valid_from', 'segment'] },
    { kind: 'accepted_values', column: 'segment', values: SEGMENTS },
    { kind: 'accepted_values', column: 'source', values: ['stream', 'import', 'both'] },
  ],
  sql: DIM,
};
