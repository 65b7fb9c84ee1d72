import type { SqlExecutor } from '../../../store/serving-store.js';
import { isoDay, type CustomerOrder } from '../customer-orders.js';

/**
 * Writes `orders` as mart.fact_orders rows (noon UTC of their day, one line each) and one current
 * dim_customers version per customer, as a marts build would publish them: the input contract of
 * the customer-analytics job, for tests that start from known orders.
 */
export async function insertFactOrders(db: SqlExecutor, orders: readonly CustomerOrder[]): Promise<void> {
  const seq = new Map<string, number>();
  const rows = orders.map((o, i) => {
    const n = (seq.get(o.customerId) ?? 0) + 1;
    seq.set(o.customerId, n);
    return { ...o, orderId: `o${String(i).padStart(6, '0')}`, date: isoDay(o.day), n };
  });
  await db.query(
    `INSERT INTO mart.fact_orders
     SELECT u.id, u.d, to_char(u.d, 'YYYYMMDD')::int, u.d + time '12:00', u.c, u.c || '#1', NULL, 'web', 'EUR', NULL,
       'import', 1, 1, u.v, 0, 0, u.v, u.n, CASE WHEN u.n = 1 THEN 'new' ELSE 'repeat' END
     FROM unnest($1::text[], $2::date[], $3::text[], $4::numeric[], $5::int4[]) AS u(id, d, c, v, n)`,
    [
      rows.map((r) => r.orderId),
      rows.map((r) => r.date),
      rows.map((r) => r.customerId),
      rows.map((r) => r.netRevenue.toFixed(6)),
      rows.map((r) => r.n),
    ],
  );
  await db.query(
    `INSERT INTO mart.dim_customers (customer_key, customer_id, version, valid_from, is_current, segment,
       lifetime_orders, gross_revenue, refund_amount, net_revenue, avg_order_value, source)
     SELECT customer_id || '#1', customer_id, 1, min(order_time), true, 'new', count(*), sum(net_revenue), 0,
       sum(net_revenue), avg(net_revenue)::float8, 'import'
     FROM mart.fact_orders GROUP BY customer_id`,
  );
}
