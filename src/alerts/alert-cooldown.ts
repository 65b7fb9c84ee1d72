import type { AlertCandidate } from './alert-types.js';

/**
 * Per-metric cooldown in event time: a warning is suppressed when an earlier alert on the same
 * metric has a window start less than `cooldownMs` before its own; a critical is never suppressed.
 * `previousWindowStartMs` = the newest window start of an alert on the metric before this one.
 */
export function passesCooldown(
  alert: AlertCandidate,
  previousWindowStartMs: number | undefined,
  cooldownMs: number,
): boolean {
  if (alert.severity === 'critical' || previousWindowStartMs === undefined) return true;
  const gap = alert.windowStartMs - previousWindowStartMs;
  return gap <= 0 ? gap === 0 : gap >= cooldownMs;
}
