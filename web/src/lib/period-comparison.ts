import type { CoveredMinutes } from './api-types.js';

export type PeriodComparison =
  /** (current - previous) / |previous|: both periods are covered alike. */
  | { kind: 'change'; ratio: number }
  /** The previous period holds data in fewer minutes than this one: no like-with-like ratio. */
  | { kind: 'not-comparable'; coveredMinutes: CoveredMinutes }
  /** The previous period is covered but its value is 0: a ratio would be infinite. */
  | { kind: 'previous-zero' };

/**
 * "vs previous" compares like with like only: when the previous period has less data coverage than
 * the current one (the data started inside it, or the pipeline was down), a percentage would
 * compare a part with a whole, so there is no comparable period.
 */
export function comparePeriods(current: number, previous: number, covered: CoveredMinutes): PeriodComparison {
  if (covered.previous < covered.current || covered.previous === 0) {
    return { kind: 'not-comparable', coveredMinutes: covered };
  }
  if (previous === 0) return { kind: 'previous-zero' };
  return { kind: 'change', ratio: (current - previous) / Math.abs(previous) };
}
