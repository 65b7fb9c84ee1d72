import { EVENT_TYPES } from '../../../contract/event.js';
import { col, type DayModel } from '../mart-model.js';

/**
 * daily_aggregations, the reference shape: one row per (date, category, event_type) of the day's
 * Silver events; events without a category are under `(none)`. Per row:
 *   total_events   = events of the row
 *   total_revenue  = sum of amount over the row's purchase events (0 for other types)
 *   unique_users / unique_sessions = distinct user_id / session_id of the row's events
 *   top_products   = the row's first `topProducts` products: purchases by revenue, other types by
 *                    events (ties: events, then product_id), [{product_id, events, revenue}]
 * Per (date, category), repeated on each of its rows:
 *   conversion_rate = sessions with a purchase / sessions with any event (0 without sessions)
 *   avg_order_value = purchase revenue / distinct order_id of those purchases (0 without orders)
 */
const SQL = (ev: string) => `
WITH e AS (
  SELECT *, coalesce(category, '(none)') AS cat, CASE WHEN event_type = 'purchase' THEN amount END AS rev
  FROM ${ev}
), g AS (
  SELECT cat, count(DISTINCT session_id) AS sessions,
    count(DISTINCT session_id) FILTER (WHERE event_type = 'purchase') AS buying_sessions,
    coalesce(sum(rev), 0) AS revenue,
    count(DISTINCT order_id) FILTER (WHERE event_type = 'purchase') AS orders
  FROM e GROUP BY cat
), p AS (
  SELECT cat, event_type, product_id, count(*) AS events, coalesce(sum(rev), 0) AS revenue
  FROM e WHERE product_id IS NOT NULL GROUP BY cat, event_type, product_id
), ranked AS (
  SELECT *, row_number() OVER (PARTITION BY cat, event_type ORDER BY
    CASE WHEN event_type = 'purchase' THEN revenue ELSE 0 END DESC, events DESC, product_id) AS rn
  FROM p
), t AS (
  SELECT cat, event_type,
    CAST(to_json(list({'product_id': product_id, 'events': events, 'revenue': CAST(revenue AS DOUBLE)} ORDER BY rn)) AS VARCHAR) AS top
  FROM ranked WHERE rn <= $2 GROUP BY cat, event_type
), r AS (
  SELECT cat, event_type, count(*) AS total_events, coalesce(sum(rev), 0) AS total_revenue,
    count(DISTINCT user_id) AS unique_users, count(DISTINCT session_id) AS unique_sessions
  FROM e GROUP BY cat, event_type
)
SELECT $1::DATE AS date, r.cat AS category, r.event_type, r.total_events, r.total_revenue,
  r.unique_users, r.unique_sessions,
  CAST(CASE WHEN g.sessions = 0 THEN 0 ELSE g.buying_sessions / g.sessions END AS DOUBLE) AS conversion_rate,
  CAST(CASE WHEN g.orders = 0 THEN 0 ELSE g.revenue / g.orders END AS DOUBLE) AS avg_order_value,
  coalesce(t.top, '[]') AS top_products
FROM r JOIN g USING (cat) LEFT JOIN t USING (cat, event_type)`;

export const dailyAggregations: DayModel = {
  kind: 'day',
  name: 'daily_aggregations',
  description: 'Events, revenue, uniques, conversion and top products per date, category and event type',
  published: true,
  timestamps: true,
  partitionColumn: 'date',
  readsDays: [0],
  upstream: [],
  key: ['date', 'category', 'event_type'],
  columns: [
    col('date', 'date'),
    col('category', 'text'),
    col('event_type', 'text'),
    col('total_events', 'bigint'),
    col('total_revenue', 'numeric'),
    col('unique_users', 'bigint'),
    col('unique_sessions', 'bigint'),
    col('conversion_rate', 'double precision'),
    col('avg_order_value', 'double precision'),
    col('top_products', 'jsonb'),
  ],
  tests: [
    { kind: 'unique', columns: ['date', 'category', 'event_type'] },
    { kind: 'not_null', columns: ['date', 'category', 'event_type', 'total_events', 'top_products'] },
    { kind: 'accepted_values', column: 'event_type', values: EVENT_TYPES },
  ],
  sql: (r) => SQL(r('ev')),
  params: (p) => [p.day, p.topProducts],
};
