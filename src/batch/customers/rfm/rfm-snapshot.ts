import type { CustomerOrder } from '../customer-orders.js';
import { quintileScores } from './quintile-scores.js';
import { fmScore, segmentOf, type SegmentGrid } from './segment-rules.js';

/** One customer's RFM as of a day: the row of mart.customer_rfm. */
export interface RfmRow {
  readonly customerId: string;
  /** Days from the last order's day to the as-of day (0 = ordered that day). */
  readonly recencyDays: number;
  /** Orders placed on or before the as-of day. */
  readonly frequency: number;
  /** Σ net revenue of those orders. */
  readonly monetary: number;
  readonly r: number;
  readonly f: number;
  readonly m: number;
  readonly fm: number;
  readonly segment: string;
}

/**
 * RFM of every customer with at least one order on or before `asOfDay` (orders grouped by
 * customer, sorted by day): recency (lower is better), frequency and monetary (higher is better)
 * each scored by quintiles-with-ties (quintile-scores.ts), then the segment of (R, FM).
 */
export function rfmSnapshot(
  byCustomer: ReadonlyMap<string, readonly CustomerOrder[]>,
  asOfDay: number,
  grid: SegmentGrid,
): RfmRow[] {
  const ids = [...byCustomer.keys()].sort();
  const recency = ids.map((id) => asOfDay - byCustomer.get(id)!.at(-1)!.day);
  const frequency = ids.map((id) => byCustomer.get(id)!.length);
  const monetary = ids.map((id) => roundCents(byCustomer.get(id)!.reduce((s, o) => s + o.netRevenue, 0)));
  const r = quintileScores(recency, false);
  const f = quintileScores(frequency, true);
  const m = quintileScores(monetary, true);
  return ids.map((customerId, i) => ({
    customerId,
    recencyDays: recency[i]!,
    frequency: frequency[i]!,
    monetary: monetary[i]!,
    r: r[i]!,
    f: f[i]!,
    m: m[i]!,
    fm: fmScore(f[i]!, m[i]!),
    segment: segmentOf(grid, r[i]!, f[i]!, m[i]!),
  }));
}

/** Money to 1e-6 (the marts' precision), so float sums of equal amounts tie exactly. */
const roundCents = (v: number): number => Math.round(v * 1e6) / 1e6;
