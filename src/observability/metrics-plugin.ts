import type { FastifyInstance } from 'fastify';
import type { ShopMetrics } from './shop-metrics.js';

export interface MetricsPluginOptions {
  readonly metrics: ShopMetrics;
  /** Refreshes the DB-backed metrics before a scrape (e.g. readPipelineStatus + applyPipelineStatus). */
  readonly refresh?: () => Promise<void>;
  /** Readiness checks by name (`log`, `store`): each resolves when its dependency answers. */
  readonly readiness: Readonly<Record<string, () => Promise<void>>>;
}

/**
 * `GET /metrics` (Prometheus text format of the process registry) and `GET /ready` (200 when every
 * readiness check passes, else 503 with the failing ones). Both public, like `/health`.
 * A failed refresh still serves the in-process metrics (the DB-backed ones keep their last values).
 */
export function registerMetricsRoutes(app: FastifyInstance, o: MetricsPluginOptions): void {
  app.get('/metrics', { config: { access: 'public' }, schema: { hide: true } }, async (_req, reply) => {
    if (o.refresh) await o.refresh().catch((err: unknown) => app.log.warn({ err }, 'metrics refresh failed'));
    const body = await o.metrics.registry.metrics();
    return reply.header('content-type', o.metrics.registry.contentType).send(body);
  });
  app.get('/ready', { config: { access: 'public' }, schema: { hide: true } }, async (_req, reply) => {
    const checks = await Promise.all(
      Object.entries(o.readiness).map(async ([name, check]) => {
        try {
          await check();
          return [name, 'ok'] as const;
        } catch (err) {
          return [name, err instanceof Error ? err.message : String(err)] as const;
        }
      }),
    );
    const ready = checks.every(([, v]) => v === 'ok');
    return reply
      .code(ready ? 200 : 503)
      .send({ status: ready ? 'ready' : 'not_ready', checks: Object.fromEntries(checks) });
  });
}
