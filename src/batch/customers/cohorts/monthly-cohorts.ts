import { isoDay, type CustomerOrder } from '../customer-orders.js';

/** One (cohort month, months since first order) cell of mart.customer_cohorts. */
export interface CohortRow {
  /** The month of the customers' first order, `YYYY-MM-01`. */
  readonly cohortMonth: string;
  /** 0 = the first order's month. */
  readonly monthsSince: number;
  /** Customers whose first order was in the cohort month. */
  readonly cohortSize: number;
  /** Of those, customers with an order in month `cohortMonth + monthsSince`. */
  readonly activeCustomers: number;
  /** active / size. */
  readonly retention: number;
  readonly orders: number;
  /** Σ net revenue of the cohort's orders in that month. */
  readonly revenue: number;
  /** Σ revenue of months 0..monthsSince ÷ size. */
  readonly cumulativeRevenuePerCustomer: number;
}

const monthIndex = (day: number): number => {
  const d = isoDay(day);
  return Number(d.slice(0, 4)) * 12 + Number(d.slice(5, 7)) - 1;
};
const monthStart = (index: number): string =>
  `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}-01`;

/**
 * Monthly acquisition cohorts up to the as-of day: every cohort has a row for each month from
 * its first (0) to the as-of month, months without activity included (retention 0), so the
 * heatmap is a full triangle.
 */
export function monthlyCohorts(
  byCustomer: ReadonlyMap<string, readonly CustomerOrder[]>,
  asOfDay: number,
): CohortRow[] {
  const last = monthIndex(asOfDay);
  const cells = new Map<string, { active: number; orders: number; revenue: number }>();
  const sizes = new Map<number, number>();
  for (const orders of byCustomer.values()) {
    const cohort = monthIndex(orders[0]!.day);
    sizes.set(cohort, (sizes.get(cohort) ?? 0) + 1);
    const seen = new Set<number>();
    for (const o of orders) {
      const since = monthIndex(o.day) - cohort;
      const key = `${cohort}|${since}`;
      const cell = cells.get(key) ?? { active: 0, orders: 0, revenue: 0 };
      if (!seen.has(since)) cell.active++;
      seen.add(since);
      cell.orders++;
      cell.revenue += o.netRevenue;
      cells.set(key, cell);
    }
  }
  const rows: CohortRow[] = [];
  for (const [cohort, size] of [...sizes].sort((p, q) => p[0] - q[0])) {
    let cumulative = 0;
    for (let since = 0; cohort + since <= last; since++) {
      const cell = cells.get(`${cohort}|${since}`) ?? { active: 0, orders: 0, revenue: 0 };
      cumulative += cell.revenue;
      rows.push({
        cohortMonth: monthStart(cohort),
        monthsSince: since,
        cohortSize: size,
        activeCustomers: cell.active,
        retention: cell.active / size,
        orders: cell.orders,
        revenue: Math.round(cell.revenue * 1e6) / 1e6,
        cumulativeRevenuePerCustomer: cumulative / size,
      });
    }
  }
  return rows;
}
