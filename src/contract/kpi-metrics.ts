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

/**
 * The counters kept per dimension value (serving.kpi_dim_counts: channel, category, store), in
 * this order: the first six KPIs. Gold adds them per event; the lake recomputes them from Silver.
 */
export const DIM_COUNTERS = KPI_METRICS.slice(0, 6) as readonly DimCounter[];
export type DimCounter = Extract<KpiMetric, `events_${string}` | 'revenue'>;
