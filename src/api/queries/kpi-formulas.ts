/**
 * KPI formulas of the brief, applied to summed additive counters (never to averaged rates):
 *   aov                 = revenue / events_purchase      (0 when no purchase)
 *   add_to_cart_rate    = events_add_to_cart / events_click (0 when no click)
 *   checkout_rate       = events_checkout / events_add_to_cart (0 when none)
 *   purchase_conversion = events_purchase / events_click (0 when no click)
 */
const EVENT_TYPES = [
  'click',
  'page_view',
  'add_to_cart',
  'remove_from_cart',
  'wishlist_add',
  'checkout',
  'purchase',
  'refund',
  'inventory_update',
] as const;

const COUNTERS: readonly string[] = [
  'events_total',
  ...EVENT_TYPES.map((t) => `events_${t}`),
  'revenue',
  'units_purchased',
  'refund_amount',
];

/** Counters kept per dimension value (kpi_dim_counts). */
export { DIM_COUNTERS } from '../../contract/kpi-metrics.js';

const RATIOS: Record<string, readonly [string, string]> = {
  aov: ['revenue', 'events_purchase'],
  add_to_cart_rate: ['events_add_to_cart', 'events_click'],
  checkout_rate: ['events_checkout', 'events_add_to_cart'],
  purchase_conversion: ['events_purchase', 'events_click'],
};

export const DERIVED_METRICS: readonly string[] = Object.keys(RATIOS);
export const ALL_METRICS: readonly string[] = [...COUNTERS, ...DERIVED_METRICS];

/** The counters needed to compute `metrics`. */
export function countersFor(metrics: readonly string[]): string[] {
  const need = new Set<string>();
  for (const m of metrics) {
    const ratio = RATIOS[m];
    if (ratio === undefined) need.add(m);
    else for (const c of ratio) need.add(c);
  }
  return [...need];
}

/** Value of `metric` from summed counters (missing counters are 0). */
export function metricValue(metric: string, counters: ReadonlyMap<string, number>): number {
  const ratio = RATIOS[metric];
  if (ratio === undefined) return counters.get(metric) ?? 0;
  const den = counters.get(ratio[1]) ?? 0;
  return den === 0 ? 0 : (counters.get(ratio[0]) ?? 0) / den;
}
