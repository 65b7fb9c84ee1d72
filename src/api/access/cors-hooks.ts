import type { FastifyInstance } from 'fastify';
import { ShopError } from '../../errors/index.js';
import { sendApiError } from '../api-error-handler.js';

/**
 * CORS from `api.corsOrigins` (comma-separated; `*` = any origin). An allowed Origin gets
 * `access-control-allow-origin` echoed (never `*` with credentials); preflights (OPTIONS with
 * `access-control-request-method`) are answered 204 here, or 403 SHOP_API_CORS_REJECTED for an
 * origin not listed. Requests without an Origin header (same-origin, curl) are untouched.
 */
const ALLOWED_METHODS = 'GET, POST, OPTIONS';
const ALLOWED_HEADERS = 'content-type, x-api-key, authorization, last-event-id';
const PREFLIGHT_MAX_AGE_S = 600;

export function parseOrigins(list: string): Set<string> {
  return new Set(
    list
      .split(',')
      .map((o) => o.trim().replace(/\/$/, ''))
      .filter((o) => o.length > 0),
  );
}

export function installCors(app: FastifyInstance, origins: ReadonlySet<string>): void {
  const any = origins.has('*');
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (origin === undefined) return undefined;
    const allowed = any || origins.has(origin);
    const preflight =
      request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined;
    if (!allowed) {
      if (preflight)
        return sendApiError(
          request,
          reply,
          new ShopError('SHOP_API_CORS_REJECTED', `origin ${origin} not allowed`),
        );
      return undefined; // the browser withholds the response: no allow-origin header is sent
    }
    reply.header('access-control-allow-origin', origin);
    reply.header('vary', 'Origin');
    reply.header('access-control-expose-headers', 'x-ratelimit-limit, x-ratelimit-remaining, retry-after');
    if (!preflight) return undefined;
    reply.header('access-control-allow-methods', ALLOWED_METHODS);
    reply.header('access-control-allow-headers', ALLOWED_HEADERS);
    reply.header('access-control-max-age', PREFLIGHT_MAX_AGE_S);
    return reply.code(204).send();
  });
}
