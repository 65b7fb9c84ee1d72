import type { CustomerOrder } from '../customer-orders.js';

/**
 * One customer's purchase history in the form both models read (Fader, Hardie & Lee 2005; the
 * `lifetimes` package's `summary_data_from_transaction_data` with freq = 'D'), time in days:
 * - frequency x: repeat purchase days (distinct days with an order, minus the first);
 * - recency t_x: days from the first purchase day to the last;
 * - age T: days from the first purchase day to the as-of day;
 * - monetary: mean value of the repeat days (each day's orders summed; the first day left out);
 *   0 when x = 0.
 */
export interface PurchaseSummary {
  readonly frequency: number;
  readonly recency: number;
  readonly T: number;
  readonly monetary: number;
}

/**
 * The (x, t_x, T, m) summary of one customer's orders (sorted by day) as of `asOfDay`, in days,
 * exactly as `lifetimes.utils.summary_data_from_transaction_data(freq='D')`: orders of one day
 * are one purchase (their values summed); x = purchase days − 1; t_x = last − first day;
 * T = as-of − first day; m = mean value of the purchase days after the first (0 when x = 0).
 */
export function purchaseSummary(orders: readonly CustomerOrder[], asOfDay: number): PurchaseSummary {
  const dayValues: number[] = [];
  let lastDay = Number.NaN;
  for (const o of orders) {
    if (o.day === lastDay) dayValues[dayValues.length - 1]! += o.netRevenue;
    else dayValues.push(o.netRevenue);
    lastDay = o.day;
  }
  const first = orders[0]?.day ?? asOfDay;
  const x = Math.max(0, dayValues.length - 1);
  const repeat = dayValues.slice(1).reduce((s, v) => s + v, 0);
  return {
    frequency: x,
    recency: (orders[orders.length - 1]?.day ?? first) - first,
    T: asOfDay - first,
    monetary: x === 0 ? 0 : repeat / x,
  };
}
