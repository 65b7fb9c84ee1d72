import type { RetryPolicy } from './asset.js';

/**
 * Delay before the attempt after `attemptsDone` failed ones (>= 1):
 * `min(maxMs, baseMs * 2^(attemptsDone-1)) * (1 + jitter * u)` with u uniform in [-1, 1].
 * `random` returns [0, 1) like Math.random.
 */
export function retryDelayMs(
  policy: RetryPolicy,
  attemptsDone: number,
  random: () => number = Math.random,
): number {
  const exp = Math.min(policy.backoffMaxMs, policy.backoffBaseMs * 2 ** Math.max(0, attemptsDone - 1));
  const u = random() * 2 - 1;
  return Math.max(0, Math.round(exp * (1 + policy.jitter * u)));
}

/** Whether an error may be retried: a coded error says so itself; anything else may. */
export function errorCanRetry(err: unknown): boolean {
  if (typeof err === 'object' && err !== null && 'canRetry' in err)
    return (err as { canRetry: unknown }).canRetry !== false;
  return true;
}
