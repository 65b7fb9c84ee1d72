import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_REGISTRY, ShopError, isShopError, type ErrorCode } from '../errors/index.js';

/**
 * Every API error leaves as `{ statusCode, code, message, canRetry, requestId }` with a
 * `SHOP_API_*` (or other registry) code. Stack traces and causes are logged, never sent: an
 * unexpected error is answered with a generic SHOP_API_INTERNAL message.
 */
const STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  SHOP_API_BAD_REQUEST: 400,
  SHOP_API_UNAUTHORIZED: 401,
  SHOP_API_FORBIDDEN: 403,
  SHOP_API_NOT_FOUND: 404,
  SHOP_API_NO_LAKE: 503,
  SHOP_API_BODY_TOO_LARGE: 413,
  SHOP_API_RATE_LIMITED: 429,
  SHOP_API_CORS_REJECTED: 403,
  SHOP_STORE_UNAVAILABLE: 503,
  SHOP_STORE_LOCKED: 503,
  SHOP_LAKE_QUERY_TIMEOUT: 503,
  SHOP_LAKE_VERSION_NOT_FOUND: 404,
};

export interface ApiErrorBody {
  statusCode: number;
  code: string;
  message: string;
  canRetry: boolean;
  requestId: string;
}

function apiErrorBody(request: FastifyRequest, err: ShopError, statusCode: number): ApiErrorBody {
  const message = err.message.startsWith(`${err.code}: `)
    ? err.message.slice(err.code.length + 2)
    : err.message;
  return { statusCode, code: err.code, message, canRetry: err.canRetry, requestId: request.id };
}

export function sendApiError(request: FastifyRequest, reply: FastifyReply, err: ShopError): FastifyReply {
  const statusCode = STATUS_BY_CODE[err.code] ?? 500;
  return reply
    .code(statusCode)
    .type('application/json')
    .send(apiErrorBody(request, err, statusCode));
}

/** Maps Fastify's own errors (validation, body size, bad JSON) and unknown errors onto coded ones. */
function toShopError(err: FastifyError | Error): ShopError {
  if (isShopError(err)) return err;
  const fe = err as FastifyError;
  if (fe.validation !== undefined) return new ShopError('SHOP_API_BAD_REQUEST', fe.message);
  if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return new ShopError('SHOP_API_BODY_TOO_LARGE', 'request body too large');
  const status = fe.statusCode ?? 500;
  if (status >= 400 && status < 500) return new ShopError('SHOP_API_BAD_REQUEST', fe.message);
  return new ShopError('SHOP_API_INTERNAL', 'internal error; see the server log for the request id');
}

export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const coded = toShopError(err);
    const internal = coded.code === 'SHOP_API_INTERNAL' || (STATUS_BY_CODE[coded.code] ?? 500) >= 500;
    if (internal) request.log.error({ err }, 'request failed');
    // Non-API ShopErrors (store failures) keep their code but not their message: it may hold SQL.
    const safe = isShopError(err) && !err.code.startsWith('SHOP_API_') ? publicCopy(err) : coded;
    return sendApiError(request, reply, safe);
  });
  app.setNotFoundHandler((request, reply) =>
    sendApiError(
      request,
      reply,
      new ShopError('SHOP_API_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`),
    ),
  );
}

function publicCopy(err: ShopError): ShopError {
  return new ShopError(err.code, ERROR_REGISTRY[err.code].description);
}
