import type { RuleOutcome } from './alert-types.js';
import type { StaticThreshold } from './alert-options.js';

/** The alert metric name of a threshold: `metric`, or `dimension=value:metric`. */
export const thresholdMetric = (t: StaticThreshold): string =>
  t.dimension === undefined ? t.metric : `${t.dimension}=${t.dimValue}:${t.metric}`;

/**
 * The `threshold` rule: fires when the scored window's value is below (`<`) or above (`>`) the
 * limit; ok otherwise. `value` undefined (the window has no row for it) counts as 0.
 */
export function detectThreshold(
  t: StaticThreshold,
  windowStartMs: number,
  value: number | undefined,
): RuleOutcome {
  const metric = thresholdMetric(t);
  const v = value ?? 0;
  const breached = t.op === '<' ? v < t.limit : v > t.limit;
  if (!breached) return { kind: 'ok', rule: 'threshold', metric, windowStartMs };
  return {
    kind: 'fire',
    alert: {
      rule: 'threshold',
      metric,
      windowStartMs,
      severity: t.severity,
      value: v,
      baseline: t.limit,
      zScore: null,
      message: `${metric} = ${v} is ${t.op === '<' ? 'below' : 'above'} its threshold ${t.limit}`,
      details: { op: t.op, limit: t.limit },
    },
  };
}
