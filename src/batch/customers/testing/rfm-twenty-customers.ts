import type { CustomerOrder } from '../customer-orders.js';
import { dayNumber } from '../customer-orders.js';

/** The as-of day of the hand-built set. */
export const TWENTY_AS_OF = '2026-03-31';

/**
 * 20 customers, hand-scored (docs/customer-analytics.md, "How it is verified"): recency days,
 * orders, net revenue, then the expected R, F, M, FM and segment. Ties: recency 0 (c01, c02),
 * 5 (c06-c08), 30 (c14, c15); 8 customers with one order (all F = 1, so F = 2 is empty); revenue
 * 300 (c04, c14, straddling the 4|5 edge at rank 16: both M = 4) and 40 (c02, c18, straddling the
 * 1|2 edge at rank 4: both M = 1).
 */
export const TWENTY: readonly (readonly [string, number, number, number, string])[] = [
  ['c01', 0, 12, 900, '5555 Champions'],
  ['c02', 0, 1, 40, '5111 Recent'],
  ['c03', 1, 2, 80, '5323 Potential Loyalist'],
  ['c04', 2, 5, 300, '5444 Champions'],
  ['c05', 3, 1, 30, '4111 Promising'],
  ['c06', 5, 3, 250, '4444 Loyal'],
  ['c07', 5, 3, 180, '4444 Loyal'],
  ['c08', 5, 2, 60, '4323 Potential Loyalist'],
  ['c09', 8, 8, 450, '3555 Loyal'],
  ['c10', 10, 2, 100, '3333 Need Attention'],
  ['c11', 12, 1, 20, '3111 About to Sleep'],
  ['c12', 15, 3, 120, '3434 Loyal'],
  ['c13', 20, 1, 50, '2122 About to Sleep'],
  ['c14', 30, 5, 300, '2444 At Risk'],
  ['c15', 30, 1, 10, '2111 Hibernating'],
  ['c16', 45, 10, 500, "2555 Can't Lose"],
  ['c17', 60, 2, 150, '1333 At Risk'],
  ['c18', 90, 1, 40, '1111 Lost'],
  ['c19', 120, 1, 200, '1143 At Risk'],
  ['c20', 200, 1, 90, '1132 Hibernating'],
];

/**
 * The orders of the set: the last one `recency` days before the as-of day, the others on the
 * days before it (one a day), worth 1 each, the last one worth the rest of the revenue.
 */
export function twentyCustomerOrders(): CustomerOrder[] {
  const asOf = dayNumber(TWENTY_AS_OF);
  return TWENTY.flatMap(([customerId, recency, orders, revenue]) =>
    Array.from({ length: orders }, (_, k) => ({
      customerId,
      day: asOf - recency - (orders - 1 - k),
      netRevenue: k === orders - 1 ? revenue - (orders - 1) : 1,
    })),
  );
}
