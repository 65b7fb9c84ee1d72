import { registerV1ExplainRoute } from './routes/v1-explain-route.js';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Config } from '../config/index.js';
import type { Lake } from '../lake/index.js';
import { LakeQueries } from './queries/lake-queries.js';
import type { ServingStore } from '../store/serving-store.js';
import { recordAudit } from '../audit/index.js';
import { ApiKeyStore } from './access/api-keys.js';
import { auditCaller } from './access/audit-caller.js';
import { ManagedApiKeys } from './access/managed-api-keys.js';
import { customerIdMasker } from './customer-id-masking.js';
import { installAccessControl } from './access/access-hooks.js';
import { installCors, parseOrigins } from './access/cors-hooks.js';
import { TokenBucketLimiter } from './access/token-bucket-limiter.js';
import { installErrorHandlers } from './api-error-handler.js';
import { KpiBroadcaster } from './live/kpi-broadcaster.js';
import type { LiveFeed } from './live/live-feed.js';
import { startStoreCommitPoller } from './live/store-commit-poller.js';
import type { PipelineStatusProvider } from './pipeline-status.js';
import { ErrorBody } from './schemas/common-schemas.js';
import { registerReferenceRoutes } from './routes/reference-routes.js';
import { registerV1KpiRoutes } from './routes/v1-kpi-routes.js';
import { registerV1CommerceRoutes } from './routes/v1-commerce-routes.js';
import { registerV1OpsRoutes } from './routes/v1-ops-routes.js';
import { registerV1AdminRoutes } from './routes/v1-admin-routes.js';
import { registerV1MartsRoutes } from './routes/v1-marts-routes.js';
import { registerV1JobsRoutes } from './routes/v1-jobs-routes.js';
import { builtinGraph } from '../orchestration/assets/builtin-assets.js';
import { registerV1CustomerRoutes } from './routes/v1-customer-routes.js';
import { registerV1StreamRoute } from './routes/v1-stream-route.js';
import { defaultWebDir } from './web/default-web-dir.js';
import { registerWebDist } from './web/serve-web-dist.js';
import type { RouteContext } from './route-context.js';
import { registerMetricsRoutes, type MetricsPluginOptions } from '../observability/metrics-plugin.js';

/** A key revoked by another process stops working within this long. */
const MANAGED_KEYS_REFRESH_MS = 1_000;

export interface ApiServerDeps {
  readonly store: ServingStore;
  /** The lake (read side): unique users/sessions and quarantine over time come from it. */
  readonly lake?: Lake;
  readonly config: Readonly<Config>;
  /** Processor and detector publish commits and alerts here (embedded mode). */
  readonly liveFeed: LiveFeed;
  /**
   * True (distributed mode, or any process without an in-process processor): the API also polls
   * the store every api.streamPollIntervalMs and publishes what changed on `liveFeed`.
   * Default: true when config.log.brokers is set.
   */
  readonly pollStore?: boolean;
  /** In-process pipeline status (end offsets for lag, events/s); absent in distributed mode. */
  readonly status?: PipelineStatusProvider;
  /** A pino logger; default: Fastify's own at level warn. `false` = silent. */
  readonly logger?: FastifyBaseLogger | false;
  /** Clock (epoch ms); tests pin it. */
  readonly now?: () => number;
  /** `/metrics` and `/ready` (src/observability/metrics-plugin.ts); absent = not served. */
  readonly metrics?: MetricsPluginOptions;
}

/**
 * Builds the API server (routes, OpenAPI at /docs, access control, live stream, dashboard at /).
 * Not listening: the caller calls `listen({ host: config.api.host, port: config.api.port })` and,
 * on shutdown, `close()` (which stops the store poller; the store itself is the caller's).
 */
export async function buildApiServer(deps: ApiServerDeps): Promise<FastifyInstance> {
  const api = deps.config.api;
  const now = deps.now ?? Date.now;
  const app = Fastify({
    ...(deps.logger === undefined
      ? { logger: { level: 'warn' } }
      : deps.logger === false
        ? { logger: false }
        : { loggerInstance: deps.logger }),
    bodyLimit: api.bodyLimitBytes,
    ajv: {
      customOptions: { coerceTypes: 'array', removeAdditional: false, useDefaults: true, allErrors: false },
    },
  });
  app.addSchema(ErrorBody);
  installErrorHandlers(app);
  // The OpenAPI document and its UI are public (the schema holds no data).
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/docs')) route.config = { ...(route.config ?? {}), access: 'public' };
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'shopstream API',
        version: '1',
        description: 'Real-time e-commerce KPIs, alerts and pipeline status. Timestamps are UTC ISO-8601.',
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ apiKey: [] }, { bearer: [] }, {}],
    },
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) =>
        typeof json.$id === 'string' ? json.$id : `def-${i}`,
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } });

  const readAuth = api.readAuth === 'auto' ? (deps.config.log.brokers === '' ? 'open' : 'key') : api.readAuth;
  installCors(app, parseOrigins(api.corsOrigins));
  const managedKeys = new ManagedApiKeys(deps.store, MANAGED_KEYS_REFRESH_MS);
  installAccessControl(app, {
    keys: new ApiKeyStore(api),
    managedKeys,
    onDenied: (request, required, code) =>
      recordAudit(deps.store, {
        ...auditCaller(request),
        action: 'access.denied',
        target: `${request.method} ${request.routeOptions.url ?? request.url}`,
        outcome: 'denied',
        details: { required, code },
      }),
    openReads: readAuth === 'open',
    limiter: api.rateLimitPerMin === 0 ? undefined : new TokenBucketLimiter(api.rateLimitPerMin, 60_000),
    rateLimitPerMin: api.rateLimitPerMin,
    now,
  });

  const lake = deps.lake === undefined ? undefined : new LakeQueries(deps.lake);
  const ctx: RouteContext = {
    store: deps.store,
    api,
    readAuth,
    status: deps.status,
    now,
    lake,
    managedKeys,
    maskUserId: customerIdMasker(deps.config.processor.piiMasking, deps.config.processor.piiSalt),
    jobs: builtinGraph(deps.config),
    customers: deps.config.customers,
  };
  const onLiveError = (err: unknown) => app.log.warn({ err }, 'live stream read failed');
  const broadcaster = new KpiBroadcaster(deps.store, deps.liveFeed, onLiveError);
  registerReferenceRoutes(app, ctx);
  registerV1KpiRoutes(app, ctx);
  registerV1ExplainRoute(app, ctx);
  registerV1CommerceRoutes(app, ctx);
  registerV1OpsRoutes(app, ctx);
  registerV1AdminRoutes(app, ctx);
  registerV1MartsRoutes(app, ctx);
  registerV1JobsRoutes(app, ctx);
  registerV1CustomerRoutes(app, ctx);
  registerV1StreamRoute(app, broadcaster, api.streamHeartbeatMs);
  if (deps.metrics !== undefined) registerMetricsRoutes(app, deps.metrics);
  registerWebDist(app, api.webDir === '' ? defaultWebDir() : api.webDir);

  const pollStore = deps.pollStore ?? deps.config.log.brokers !== '';
  const stopPoller = pollStore
    ? startStoreCommitPoller(deps.store, deps.liveFeed, {
        intervalMs: api.streamPollIntervalMs,
        onError: onLiveError,
      })
    : undefined;
  app.addHook('onClose', async () => {
    broadcaster.close();
    await stopPoller?.();
  });
  return app;
}
