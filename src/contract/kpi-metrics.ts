/**
 * The KPIs of the product brief, per 1-minute event-time window, in this order. Defined once:
 * the serving store computes them (Gold) and the lake recomputes them from Silver (reconciliation).
 */
export const KPI_METRICS = [
  'events_total',
  'events_click',
  'events_add_to_cart',
  'events_checkout',
  'events_purchase',
  'revenue',
  'aov',
  'add_to_cart_rate',
  'checkout_rate',
  'purchase_conversion',
] as const;
export type KpiMetric = (typeof KPI_METRICS)[number];
