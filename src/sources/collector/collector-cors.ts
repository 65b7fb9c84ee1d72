import type { FastifyInstance } from 'fastify';

/**
 * CORS for browser SDKs: an allowed Origin (collector.corsOrigins; `*` = any) is echoed in
 * `access-control-allow-origin` with credentials allowed (analytics.js may send cookies), and
 * preflights of the collector paths are answered 204. A disallowed origin gets no CORS headers,
 * so the browser withholds the response. Segment's browser SDK sends `text/plain` bodies, which
 * need no preflight at all.
 */
const PREFLIGHT_MAX_AGE_S = 600;

export function installCollectorCors(
  app: FastifyInstance,
  origins: ReadonlySet<string>,
  paths: readonly string[],
): void {
  const any = origins.has('*');
  const allowed = (origin: string | undefined): origin is string =>
    origin !== undefined && (any || origins.has(origin));
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (!allowed(origin)) return;
    reply.header('access-control-allow-origin', origin);
    reply.header('access-control-allow-credentials', 'true');
    reply.header('vary', 'Origin');
    reply.header('access-control-expose-headers', 'retry-after');
  });
  for (const url of paths) {
    app.options(url, async (request, reply) => {
      if (allowed(request.headers.origin)) {
        reply.header('access-control-allow-methods', 'POST, OPTIONS');
        reply.header('access-control-allow-headers', 'content-type, content-encoding, authorization');
        reply.header('access-control-max-age', PREFLIGHT_MAX_AGE_S);
      }
      return reply.code(204).send();
    });
  }
}
