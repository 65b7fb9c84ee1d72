import { KPI_METRICS, type KpiMetric } from '../../contract/kpi-metrics.js';
import type { KpiWindow } from './engine-outcome.js';

const COUNT_METRICS: ReadonlySet<KpiMetric> = new Set([
  'events_total',
  'events_click',
  'events_add_to_cart',
  'events_checkout',
  'events_purchase',
]);
const RATE_TOLERANCE = 1e-9;

/** One KPI value on which two engines disagree. */
export interface KpiMismatch {
  readonly windowStart: string;
  readonly metric: KpiMetric | 'window';
  readonly expected: number | null;
  readonly actual: number | null;
}

/**
 * Compares two KPI sets window by window: counts exactly, revenue and aov to the cent, rates to
 * within 1e-9 (they are quotients of equal counts; only the float rounding of the division may
 * differ). A window present in only one set is a mismatch of metric `window`.
 */
export function compareKpis(expected: readonly KpiWindow[], actual: readonly KpiWindow[]): KpiMismatch[] {
  const byWindow = new Map(actual.map((k) => [k.windowStartMs, k]));
  const out: KpiMismatch[] = [];
  for (const e of expected) {
    const a = byWindow.get(e.windowStartMs);
    byWindow.delete(e.windowStartMs);
    const windowStart = new Date(e.windowStartMs).toISOString();
    if (a === undefined) {
      out.push({ windowStart, metric: 'window', expected: e.windowStartMs, actual: null });
      continue;
    }
    for (const m of KPI_METRICS) {
      if (!sameValue(m, e[m], a[m])) out.push({ windowStart, metric: m, expected: e[m], actual: a[m] });
    }
  }
  for (const a of byWindow.values())
    out.push({
      windowStart: new Date(a.windowStartMs).toISOString(),
      metric: 'window',
      expected: null,
      actual: a.windowStartMs,
    });
  return out;
}

function sameValue(metric: KpiMetric, a: number, b: number): boolean {
  if (COUNT_METRICS.has(metric)) return a === b;
  if (metric === 'revenue' || metric === 'aov') return Math.round(a * 100) === Math.round(b * 100);
  return Math.abs(a - b) <= RATE_TOLERANCE * Math.max(1, Math.abs(a));
}

/** Reason codes whose counts differ between two engines: code -> [expected, actual]. */
export function compareReasons(
  expected: Readonly<Record<string, number>>,
  actual: Readonly<Record<string, number>>,
): Record<string, [number, number]> {
  const out: Record<string, [number, number]> = {};
  for (const code of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
    const e = expected[code] ?? 0;
    const a = actual[code] ?? 0;
    if (e !== a) out[code] = [e, a];
  }
  return out;
}
