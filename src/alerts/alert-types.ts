export type Severity = 'info' | 'warning' | 'critical';
export type AlertStatus = 'open' | 'acknowledged' | 'resolved';

/**
 * What a rule raises. Its id is `<rule>:<metric>:<window_start ISO>`, so raising the same finding
 * again (the next loop, another detector process, a replay) upserts the same row.
 */
export interface AlertCandidate {
  readonly rule: string;
  readonly metric: string;
  readonly windowStartMs: number;
  readonly severity: Severity;
  readonly value: number;
  readonly baseline: number | null;
  readonly zScore: number | null;
  readonly message: string;
  readonly details: Record<string, unknown>;
}

/**
 * What one rule concluded about one metric: it fires, or the metric is healthy (open alerts of
 * that rule and metric for earlier windows auto-resolve), or it could not judge (nothing changes).
 */
export type RuleOutcome =
  | { readonly kind: 'fire'; readonly alert: AlertCandidate }
  | { readonly kind: 'ok'; readonly rule: string; readonly metric: string; readonly windowStartMs: number }
  | { readonly kind: 'skip'; readonly rule: string; readonly metric: string; readonly reason: string };

export const alertId = (rule: string, metric: string, windowStartMs: number): string =>
  `${rule}:${metric}:${new Date(windowStartMs).toISOString()}`;
