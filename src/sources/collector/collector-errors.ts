import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ShopError, isShopError, type ErrorCode } from '../../errors/index.js';

/**
 * Collector errors leave as `{ statusCode, code, message, canRetry, requestId }` (the API's shape).
 * Messages name counts, sizes and line numbers, never request content. Retryable refusals carry
 * `Retry-After` in whole seconds.
 */
const STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  SHOP_COLLECTOR_BAD_BODY: 400,
  SHOP_COLLECTOR_EVENT_TOO_LARGE: 400,
  SHOP_COLLECTOR_TOO_MANY_EVENTS: 400,
  SHOP_COLLECTOR_UNAUTHORIZED: 401,
  SHOP_COLLECTOR_BODY_TOO_LARGE: 413,
  SHOP_COLLECTOR_UNSUPPORTED_MEDIA_TYPE: 415,
  SHOP_COLLECTOR_RATE_LIMITED: 429,
  SHOP_COLLECTOR_OVERLOADED: 503,
  SHOP_COLLECTOR_LOG_UNAVAILABLE: 503,
};

export function collectorStatusOf(code: ErrorCode): number {
  return STATUS_BY_CODE[code] ?? 500;
}

export function sendCollectorError(
  request: FastifyRequest,
  reply: FastifyReply,
  err: ShopError,
  retryAfterMs?: number,
): FastifyReply {
  const statusCode = collectorStatusOf(err.code);
  if (retryAfterMs !== undefined) reply.header('retry-after', Math.max(1, Math.ceil(retryAfterMs / 1000)));
  const message = err.message.startsWith(`${err.code}: `)
    ? err.message.slice(err.code.length + 2)
    : err.message;
  return reply
    .code(statusCode)
    .type('application/json')
    .send({ statusCode, code: err.code, message, canRetry: err.canRetry, requestId: request.id });
}

/** Fastify's own failures (body too large, unsupported type) as coded collector errors. */
export function collectorErrorOf(err: FastifyError | Error): ShopError {
  if (isShopError(err)) return err;
  const fe = err as FastifyError;
  if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return new ShopError('SHOP_COLLECTOR_BODY_TOO_LARGE', 'the request body is too large');
  if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
    return new ShopError('SHOP_COLLECTOR_UNSUPPORTED_MEDIA_TYPE', 'unsupported content-type');
  if ((fe.statusCode ?? 500) < 500)
    return new ShopError('SHOP_COLLECTOR_BAD_BODY', 'the request cannot be read');
  return new ShopError(
    'SHOP_COLLECTOR_LOG_UNAVAILABLE',
    'the collector failed to accept the events; nothing was acknowledged',
  );
}
