import { CHANNELS } from '../../../contract/event.js';
import { addDays } from '../mart-dates.js';
import { col, type DayModel } from '../mart-model.js';
import { silverEventsSql } from './day-events.js';

/**
 * sessions: one row per visit. The events of one session_id are ordered by event_time; a gap of
 * `marts.sessionTimeoutMinutes` (30) or more starts a new session. A session belongs to the day it
 * starts; day D is computed from the events of D-1, D and D+1 of the session_ids seen on D, so a
 * late event re-opens the sessions of its day and of both neighbours (a session longer than a day
 * is cut at D+1's end). Back-office events (refund, inventory_update) are not visits and are left
 * out. session_key = session_id || '@' || start time in epoch ms (stable across rebuilds).
 *   duration_s = (end - start) in seconds; page_views = page_view events; products_viewed =
 *   distinct products clicked or viewed; cart_adds = add_to_cart events; orders = distinct order_id
 *   of purchases, revenue = their amount; channel, device, country, store_id = first non-null;
 *   landing_page = page_url of the first event that has one.
 */
const SQL = (ev: string) => `
WITH visits AS (
  SELECT * FROM ${ev} WHERE event_type NOT IN ('refund', 'inventory_update')
), around AS (
  SELECT * FROM visits
  UNION ALL
  SELECT * FROM (${silverEventsSql(
    `event_date IN ($2::DATE, $3::DATE) AND event_type NOT IN ('refund', 'inventory_update')
       AND session_id IN (SELECT session_id FROM visits)`,
  )})
), gaps AS (
  SELECT *, CASE WHEN lag(event_time) OVER w IS NULL
      OR epoch_ms(event_time) - epoch_ms(lag(event_time) OVER w) >= $4 THEN 1 ELSE 0 END AS starts
  FROM around WINDOW w AS (PARTITION BY session_id ORDER BY event_time, event_id)
), numbered AS (
  SELECT *, sum(starts) OVER (PARTITION BY session_id ORDER BY event_time, event_id
    ROWS UNBOUNDED PRECEDING) AS visit
  FROM gaps
), s AS (
  SELECT session_id, visit, min(event_time) AS start_time, max(event_time) AS end_time,
    arg_min(user_id, event_time) AS user_id, count(*) AS events,
    count(*) FILTER (WHERE event_type = 'page_view') AS page_views,
    count(DISTINCT product_id) FILTER (WHERE event_type IN ('click', 'page_view')) AS products_viewed,
    count(*) FILTER (WHERE event_type = 'add_to_cart') AS cart_adds,
    bool_or(event_type = 'checkout') AS has_checkout, bool_or(event_type = 'purchase') AS has_purchase,
    count(DISTINCT order_id) FILTER (WHERE event_type = 'purchase') AS orders,
    coalesce(sum(amount) FILTER (WHERE event_type = 'purchase'), 0) AS revenue,
    arg_min(channel, event_time) FILTER (WHERE channel IS NOT NULL) AS channel,
    arg_min(page_url, event_time) FILTER (WHERE page_url IS NOT NULL) AS landing_page,
    arg_min(device, event_time) FILTER (WHERE device IS NOT NULL) AS device,
    arg_min(country, event_time) FILTER (WHERE country IS NOT NULL) AS country,
    arg_min(store_id, event_time) FILTER (WHERE store_id IS NOT NULL) AS store_id
  FROM numbered GROUP BY session_id, visit
)
SELECT session_id || '@' || CAST(epoch_ms(start_time) AS VARCHAR) AS session_key, session_id, user_id,
  CAST(start_time AS DATE) AS session_date, start_time, end_time,
  (epoch_ms(end_time) - epoch_ms(start_time)) / 1000.0 AS duration_s,
  CAST(events AS INTEGER) AS events, CAST(page_views AS INTEGER) AS page_views,
  CAST(products_viewed AS INTEGER) AS products_viewed, CAST(cart_adds AS INTEGER) AS cart_adds,
  has_checkout, has_purchase, CAST(orders AS INTEGER) AS orders, revenue, channel, landing_page,
  device, country, store_id
FROM s WHERE CAST(start_time AS DATE) = $1::DATE`;

export const sessions: DayModel = {
  kind: 'day',
  name: 'sessions',
  description: 'One row per visit (30 minutes of inactivity end it): duration, funnel steps, revenue',
  published: true,
  partitionColumn: 'session_date',
  readsDays: [-1, 0, 1],
  upstream: [],
  key: ['session_key'],
  columns: [
    col('session_key', 'text'),
    col('session_id', 'text'),
    col('user_id', 'text'),
    col('session_date', 'date'),
    col('start_time', 'timestamptz'),
    col('end_time', 'timestamptz'),
    col('duration_s', 'double precision'),
    col('events', 'integer'),
    col('page_views', 'integer'),
    col('products_viewed', 'integer'),
    col('cart_adds', 'integer'),
    col('has_checkout', 'boolean'),
    col('has_purchase', 'boolean'),
    col('orders', 'integer'),
    col('revenue', 'numeric'),
    col('channel', 'text'),
    col('landing_page', 'text'),
    col('device', 'text'),
    col('country', 'text'),
    col('store_id', 'text'),
  ],
  tests: [
    { kind: 'unique', columns: ['session_key'] },
    { kind: 'not_null', columns: ['session_key', 'session_id', 'user_id', 'start_time', 'end_time'] },
    { kind: 'accepted_values', column: 'channel', values: CHANNELS },
  ],
  sql: (r) => SQL(r('ev')),
  params: (p) => [p.day, addDays(p.day, -1), addDays(p.day, 1), p.sessionTimeoutMs],
};
