import { col, type WarehouseModel } from '../mart-model.js';

/** dim_date: every day from the first to the last day of Silver or of an order (ISO weeks, Monday = 1). */
const DATES = (r: (n: string) => string) => `
WITH bounds AS (
  SELECT min(d) AS lo, max(d) AS hi FROM (
    SELECT date AS d FROM ${r('silver_days')} UNION ALL SELECT order_date FROM ${r('fact_orders')})
), days AS (
  SELECT CAST(range AS DATE) AS date FROM bounds, range(CAST(lo AS TIMESTAMP), CAST(hi AS TIMESTAMP) + INTERVAL 1 DAY, INTERVAL 1 DAY)
  WHERE lo IS NOT NULL
)
SELECT CAST(strftime(date, '%Y%m%d') AS INTEGER) AS date_key, date, CAST(year(date) AS INTEGER) AS year,
  CAST(quarter(date) AS INTEGER) AS quarter, CAST(month(date) AS INTEGER) AS month,
  strftime(date, '%B') AS month_name, CAST(day(date) AS INTEGER) AS day_of_month,
  CAST(isodow(date) AS INTEGER) AS day_of_week, strftime(date, '%A') AS day_name,
  CAST(isoyear(date) AS INTEGER) AS iso_year, CAST(week(date) AS INTEGER) AS iso_week,
  isodow(date) >= 6 AS is_weekend
FROM days`;

/** dim_store: every store_id of an order; country = the most frequent country of its orders (ties: alphabetical). */
const STORES = (r: (n: string) => string) => `
WITH c AS (
  SELECT store_id, country, count(*) AS n FROM ${r('fact_orders')}
  WHERE store_id IS NOT NULL AND country IS NOT NULL GROUP BY store_id, country
), top AS (
  SELECT store_id, country FROM c QUALIFY row_number() OVER (PARTITION BY store_id ORDER BY n DESC, country) = 1
)
SELECT o.store_id, any_value(top.country) AS country, min(o.order_time) AS first_order_time,
  max(o.order_time) AS last_order_time, count(*) AS orders,
  CAST(sum(o.gross_revenue) AS DECIMAL(38,6)) AS gross_revenue
FROM ${r('fact_orders')} o LEFT JOIN top USING (store_id) WHERE o.store_id IS NOT NULL GROUP BY o.store_id`;

/** dim_channel: the contract's channels plus any channel an imported order names. */
const CHANNELS = (r: (n: string) => string) => `
WITH known(channel, is_digital, description) AS (
  VALUES ('web', true, 'Website'), ('app', true, 'Mobile app'), ('store', false, 'Physical store')
), seen AS (
  SELECT channel, count(*) AS orders, sum(gross_revenue) AS gross FROM ${r('fact_orders')}
  WHERE channel IS NOT NULL GROUP BY channel
)
SELECT coalesce(k.channel, s.channel) AS channel, coalesce(k.is_digital, false) AS is_digital,
  coalesce(k.description, 'Channel of imported orders') AS description,
  CAST(coalesce(s.orders, 0) AS BIGINT) AS orders, CAST(coalesce(s.gross, 0) AS DECIMAL(38,6)) AS gross_revenue
FROM known k FULL JOIN seen s USING (channel)`;

const whole = { kind: 'warehouse' as const, published: true, partitionColumn: null };

export const dimDate: WarehouseModel = {
  ...whole,
  name: 'dim_date',
  description: 'Calendar: one row per day (date_key YYYYMMDD)',
  upstream: ['fact_orders'],
  key: ['date_key'],
  columns: [
    col('date_key', 'integer'),
    col('date', 'date'),
    col('year', 'integer'),
    col('quarter', 'integer'),
    col('month', 'integer'),
    col('month_name', 'text'),
    col('day_of_month', 'integer'),
    col('day_of_week', 'integer'),
    col('day_name', 'text'),
    col('iso_year', 'integer'),
    col('iso_week', 'integer'),
    col('is_weekend', 'boolean'),
  ],
  tests: [
    { kind: 'unique', columns: ['date_key'] },
    { kind: 'not_null', columns: ['date_key', 'date'] },
  ],
  sql: DATES,
};

export const dimStore: WarehouseModel = {
  ...whole,
  name: 'dim_store',
  description: 'Physical stores seen in orders',
  upstream: ['fact_orders'],
  key: ['store_id'],
  columns: [
    col('store_id', 'text'),
    col('country', 'text'),
    col('first_order_time', 'timestamptz'),
    col('last_order_time', 'timestamptz'),
    col('orders', 'bigint'),
    col('gross_revenue', 'numeric'),
  ],
  tests: [{ kind: 'unique', columns: ['store_id'] }],
  sql: STORES,
};

export const dimChannel: WarehouseModel = {
  ...whole,
  name: 'dim_channel',
  description: 'Sales channels (web, app, store, and those of imported orders)',
  upstream: ['fact_orders'],
  key: ['channel'],
  columns: [
    col('channel', 'text'),
    col('is_digital', 'boolean'),
    col('description', 'text'),
    col('orders', 'bigint'),
    col('gross_revenue', 'numeric'),
  ],
  tests: [{ kind: 'unique', columns: ['channel'] }],
  sql: CHANNELS,
};
