import { SEGMENTS } from '../../batch/marts/index.js';
import type { ApiStore } from './api-store.js';
import type { DayRange, Page } from './mart-queries.js';

const num = (v: unknown): number => Number(v ?? 0);

export interface SegmentRow {
  segment: string;
  customers: number;
  lifetimeNetRevenue: number;
  orders: number;
  revenue: number;
}

/**
 * Per segment: customers whose current dim_customers version is in it (and their lifetime net
 * revenue), and the orders of the range placed in it (the version each order created or continued),
 * with their gross revenue.
 */
export async function customerSegments(store: ApiStore, r: DayRange): Promise<SegmentRow[]> {
  const rows = await store.query<Record<string, unknown>>(
    `WITH c AS (SELECT segment, count(*) AS customers, sum(net_revenue) AS net FROM mart.dim_customers WHERE is_current GROUP BY segment),
       o AS (SELECT d.segment, count(*) AS orders, sum(f.gross_revenue) AS revenue FROM mart.fact_orders f
             JOIN mart.dim_customers d ON d.customer_key = f.customer_key
             WHERE f.order_date BETWEEN $1::date AND $2::date GROUP BY d.segment)
     SELECT segment, c.customers, c.net, o.orders, o.revenue FROM c FULL JOIN o USING (segment)`,
    [r.from, r.to],
  );
  const bySegment = new Map(rows.map((x) => [String(x['segment']), x]));
  return SEGMENTS.map((segment) => {
    const x = bySegment.get(segment);
    return {
      segment,
      customers: num(x?.['customers']),
      lifetimeNetRevenue: num(x?.['net']),
      orders: num(x?.['orders']),
      revenue: num(x?.['revenue']),
    };
  });
}

export interface SessionFilter extends DayRange, Page {
  readonly channel?: string | undefined;
  readonly converted?: boolean | undefined;
  readonly userId?: string | undefined;
}

/** Sessions of the range (newest first), paged, with totals over every matching session. */
export async function listSessions(store: ApiStore, q: SessionFilter) {
  const where = `session_date BETWEEN $1::date AND $2::date AND ($3::text IS NULL OR channel = $3)
    AND ($4::boolean IS NULL OR has_purchase = $4) AND ($5::text IS NULL OR user_id = $5)`;
  const params = [q.from, q.to, q.channel ?? null, q.converted ?? null, q.userId ?? null];
  const [t] = await store.query<Record<string, unknown>>(
    `SELECT count(*)::int8 AS n, count(*) FILTER (WHERE has_purchase)::int8 AS converted,
       avg(duration_s)::float8 AS duration, avg(events)::float8 AS events, coalesce(sum(revenue), 0)::float8 AS revenue
     FROM mart.sessions WHERE ${where}`,
    params,
  );
  const items = await store.query<Record<string, unknown>>(
    `SELECT session_key AS "sessionKey", session_id AS "sessionId", user_id AS "userId", session_date::text AS date,
       to_char(start_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "startTime",
       to_char(end_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "endTime",
       duration_s AS "durationS", events, page_views AS "pageViews", products_viewed AS "productsViewed",
       cart_adds AS "cartAdds", has_checkout AS "hasCheckout", has_purchase AS "hasPurchase", orders,
       revenue::float8 AS revenue, channel, landing_page AS "landingPage", device, country, store_id AS "storeId"
     FROM mart.sessions WHERE ${where} ORDER BY start_time DESC, session_key LIMIT $6 OFFSET $7`,
    [...params, q.limit, q.offset],
  );
  const sessions = num(t?.['n']);
  return {
    summary: {
      sessions,
      convertedSessions: num(t?.['converted']),
      conversionRate: sessions === 0 ? 0 : num(t?.['converted']) / sessions,
      avgDurationS: num(t?.['duration']),
      avgEvents: num(t?.['events']),
      revenue: num(t?.['revenue']),
    },
    items,
    total: sessions,
  };
}
