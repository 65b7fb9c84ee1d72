import type { SqlExecutor } from '../../store/serving-store.js';

/** One order as customer analytics reads it from mart.fact_orders. */
export interface CustomerOrder {
  readonly customerId: string;
  /** Days since 1970-01-01 (UTC) of order_date. */
  readonly day: number;
  readonly netRevenue: number;
}

export const MS_PER_DAY = 86_400_000;
export const dayNumber = (isoDay: string): number => Date.parse(`${isoDay}T00:00:00Z`) / MS_PER_DAY;
export const isoDay = (day: number): string => new Date(day * MS_PER_DAY).toISOString().slice(0, 10);

/**
 * Every order of mart.fact_orders placed on or before `asOfDay` (streamed and imported), ordered
 * by customer then day. Net revenue = gross − refunds (float: the models are statistical).
 */
export async function readCustomerOrders(db: SqlExecutor, asOfDay: string): Promise<CustomerOrder[]> {
  const rows = await db.query<{ c: string[]; d: string[]; v: number[] }>(
    `SELECT coalesce(array_agg(customer_id ORDER BY customer_id, order_date, order_id), '{}') AS c,
       coalesce(array_agg(order_date::text ORDER BY customer_id, order_date, order_id), '{}') AS d,
       coalesce(array_agg(net_revenue::float8 ORDER BY customer_id, order_date, order_id), '{}') AS v
     FROM mart.fact_orders WHERE order_date <= $1::date`,
    [asOfDay],
  );
  const r = rows[0];
  if (r === undefined) return [];
  return r.c.map((customerId, i) => ({ customerId, day: dayNumber(r.d[i]!), netRevenue: r.v[i]! }));
}

/** The orders grouped by customer (input order kept: by day). */
export function ordersByCustomer(orders: readonly CustomerOrder[]): Map<string, CustomerOrder[]> {
  const out = new Map<string, CustomerOrder[]>();
  for (const o of orders) {
    const list = out.get(o.customerId);
    if (list === undefined) out.set(o.customerId, [o]);
    else list.push(o);
  }
  return out;
}
