/**
 * The KPI formulas of the product brief, written once in SQL and used both by the Gold commit
 * (minute rows of kpi_minute) and by hour/day roll-ups (re-derived from SUMMED counters, never by
 * averaging rates). The source relation must expose `bucket` and one summed column per counter.
 *
 *   aov                 = revenue / events_purchase            (0 when no purchase)
 *   add_to_cart_rate    = events_add_to_cart / events_click    (0 when no click)
 *   checkout_rate       = events_checkout / events_add_to_cart (0 when no cart)
 *   purchase_conversion = events_purchase / events_click       (0 when no click)
 */

/** `SELECT bucket, total, clicks, ...` summing kpi_counts grouped by `bucketExpr` over `where`. */
export function summedCountersSql(bucketExpr: string, where: string): string {
  const sum = (counter: string) => `coalesce(sum(value) FILTER (WHERE counter = '${counter}'), 0)`;
  return `SELECT ${bucketExpr} AS bucket,
      ${sum('events_total')} AS total, ${sum('events_click')} AS clicks,
      ${sum('events_add_to_cart')} AS carts, ${sum('events_checkout')} AS checkouts,
      ${sum('events_purchase')} AS purchases, ${sum('revenue')} AS revenue
    FROM serving.kpi_counts WHERE ${where} GROUP BY 1`;
}

/** `CROSS JOIN LATERAL` turning one summed-counter row `s` into the ten (metric, value) rows. */
export const METRICS_OF_SUMS_SQL = `CROSS JOIN LATERAL (VALUES
    ('events_total', s.total),
    ('events_click', s.clicks),
    ('events_add_to_cart', s.carts),
    ('events_checkout', s.checkouts),
    ('events_purchase', s.purchases),
    ('revenue', s.revenue),
    ('aov', CASE WHEN s.purchases > 0 THEN s.revenue / s.purchases ELSE 0 END),
    ('add_to_cart_rate', CASE WHEN s.clicks > 0 THEN s.carts / s.clicks ELSE 0 END),
    ('checkout_rate', CASE WHEN s.carts > 0 THEN s.checkouts / s.carts ELSE 0 END),
    ('purchase_conversion', CASE WHEN s.clicks > 0 THEN s.purchases / s.clicks ELSE 0 END)
  ) AS m(metric, value)`;
