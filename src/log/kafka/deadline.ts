import { ShopError } from '../../errors/index.js';
import { toShopError } from './kafka-errors.js';

export interface DeadlineContext {
  readonly operation: string;
  readonly timeoutMs: number;
  /** Whether any broker connection is up; decides UNAVAILABLE (none) vs TIMEOUT (slow broker). */
  readonly isConnected: () => boolean;
  readonly details?: Record<string, unknown>;
}

/**
 * Runs one Kafka call under a hard deadline. Guarantees: the returned promise settles within
 * `timeoutMs` (plus timer slack), and every rejection is a ShopError. When the deadline passes
 * the call is abandoned, not cancelled: a produce may still land, which the port allows (a rejected
 * append promises nothing about its records).
 */
export async function withDeadline<T>(context: DeadlineContext, call: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(deadlineError(context)), context.timeoutMs);
    timer.unref();
  });
  try {
    return await Promise.race([call(), expired]);
  } catch (err) {
    throw toShopError(err, context.operation, context.details);
  } finally {
    clearTimeout(timer);
  }
}

function deadlineError(context: DeadlineContext): ShopError {
  const connected = context.isConnected();
  return new ShopError(
    connected ? 'SHOP_LOG_TIMEOUT' : 'SHOP_LOG_UNAVAILABLE',
    connected
      ? `kafka ${context.operation} did not complete within ${context.timeoutMs} ms`
      : `no Kafka broker reachable for ${context.operation} within ${context.timeoutMs} ms`,
    { details: { ...context.details, operation: context.operation, timeoutMs: context.timeoutMs } },
  );
}
