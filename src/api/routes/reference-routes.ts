import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ShopError } from '../../errors/index.js';
import { IsoTime, Point, RangeQuery, withErrors } from '../schemas/common-schemas.js';
import { iso, parseList, parseRange } from '../time-range.js';
import { kpiMinutePoints, latestKpiPoints } from '../queries/reference-kpi-queries.js';
import { latestAlerts, listAlerts } from '../queries/alert-queries.js';
import { ALL_METRICS } from '../queries/kpi-formulas.js';
import { AlertSchema } from '../schemas/alert-schema.js';
import type { RouteContext } from '../route-context.js';

/** The reference API of the brief: exactly these paths and shapes. */
const REFERENCE_METRICS = [
  'events_total',
  'events_click',
  'events_add_to_cart',
  'events_checkout',
  'events_purchase',
  'revenue',
  'aov',
  'add_to_cart_rate',
  'checkout_rate',
  'purchase_conversion',
];
const KpisQuery = Type.Object({
  metric: Type.String({
    minLength: 1,
    maxLength: 64,
    description: 'A metric of serving.kpi_minute, e.g. revenue',
  }),
  ...RangeQuery,
  limit: Type.Integer({ minimum: 1, maximum: 10000, default: 500 }),
});
const LatestQuery = Type.Object({
  metrics: Type.Optional(
    Type.String({ maxLength: 1000, description: 'Comma-separated metrics; default: the reference KPIs' }),
  ),
});
const AlertsQuery = Type.Object({
  metric: Type.Optional(Type.String({ maxLength: 64 })),
  severity: Type.Optional(Type.String({ maxLength: 16 })),
  ...RangeQuery,
  limit: Type.Integer({ minimum: 1, maximum: 5000, default: 200 }),
});
const LatestAlertsQuery = Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 1000, default: 50 }) });

const KPI_DEFAULT_SPAN_MS = 60 * 60_000;
const ALERT_DEFAULT_SPAN_MS = 180 * 60_000;

export function registerReferenceRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get(
    '/health',
    {
      config: { access: 'public' },
      schema: {
        tags: ['reference'],
        summary: 'Liveness',
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/deps',
    {
      config: { access: 'public' },
      schema: {
        tags: ['reference'],
        summary: 'Health of each dependency',
        response: { ...withErrors(DepsResponse, [429, 500]), 503: DepsResponse },
      },
    },
    async (_req, reply) => {
      const deps = await dependencyHealth(ctx);
      if (deps.status !== 'ok') return reply.code(503).send(deps);
      return deps;
    },
  );

  app.get<{ Querystring: Static<typeof KpisQuery> }>(
    '/kpis',
    {
      schema: {
        tags: ['reference'],
        summary: 'One KPI per minute (serving.kpi_minute); default range: the last 60 minutes',
        querystring: KpisQuery,
        response: withErrors(
          Type.Object({ metric: Type.String(), from: IsoTime, to: IsoTime, points: Type.Array(Point) }),
        ),
      },
    },
    async (req) => {
      const { fromMs, toMs } = parseRange(req.query, KPI_DEFAULT_SPAN_MS, ctx.now());
      const points = await kpiMinutePoints(ctx.store, {
        metric: req.query.metric,
        fromMs,
        toMs,
        limit: req.query.limit,
      });
      return { metric: req.query.metric, from: iso(fromMs), to: iso(toMs), points };
    },
  );

  app.get<{ Querystring: Static<typeof LatestQuery> }>(
    '/kpis/latest',
    {
      schema: {
        tags: ['reference'],
        summary: 'Newest value of each metric',
        querystring: LatestQuery,
        response: withErrors(
          Type.Object({ latest: Type.Record(Type.String(), Type.Union([Point, Type.Null()])) }),
        ),
      },
    },
    async (req) => {
      const metrics = req.query.metrics === undefined ? REFERENCE_METRICS : parseList(req.query.metrics);
      if (metrics.length > ALL_METRICS.length + 20)
        throw new ShopError('SHOP_API_BAD_REQUEST', 'too many metrics');
      const found = await latestKpiPoints(ctx.store, metrics);
      return { latest: Object.fromEntries(metrics.map((m) => [m, found.get(m) ?? null])) };
    },
  );

  app.get<{ Querystring: Static<typeof AlertsQuery> }>(
    '/alerts',
    {
      schema: {
        tags: ['reference'],
        summary: 'Alerts by window time; default range: the last 180 minutes',
        querystring: AlertsQuery,
        response: withErrors(Type.Object({ from: IsoTime, to: IsoTime, alerts: Type.Array(AlertSchema) })),
      },
    },
    async (req) => {
      const { fromMs, toMs } = parseRange(req.query, ALERT_DEFAULT_SPAN_MS, ctx.now());
      const alerts = await listAlerts(ctx.store, { ...req.query, fromMs, toMs });
      return { from: iso(fromMs), to: iso(toMs), alerts };
    },
  );

  app.get<{ Querystring: Static<typeof LatestAlertsQuery> }>(
    '/alerts/latest',
    {
      schema: {
        tags: ['reference'],
        summary: 'The most recently raised alerts',
        querystring: LatestAlertsQuery,
        response: withErrors(Type.Object({ alerts: Type.Array(AlertSchema) })),
      },
    },
    async (req) => ({ alerts: await latestAlerts(ctx.store, req.query.limit) }),
  );
}

const DepStatus = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('down')]),
  latencyMs: Type.Number(),
  error: Type.Optional(Type.String()),
});
const DepsResponse = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  dependencies: Type.Record(Type.String(), DepStatus),
});

async function dependencyHealth(ctx: RouteContext): Promise<Static<typeof DepsResponse>> {
  const dependencies: Record<string, Static<typeof DepStatus>> = {
    store: await probe(ctx, () => ctx.store.query('SELECT 1')),
  };
  const status = ctx.status;
  if (status !== undefined) dependencies.pipeline = await probe(ctx, () => status());
  const ok = Object.values(dependencies).every((d) => d.status === 'ok');
  return { status: ok ? 'ok' : 'degraded', dependencies };
}

async function probe(ctx: RouteContext, fn: () => Promise<unknown>): Promise<Static<typeof DepStatus>> {
  const startMs = ctx.now();
  try {
    await fn();
    return { status: 'ok', latencyMs: ctx.now() - startMs };
  } catch (err) {
    const code = err instanceof ShopError ? err.code : 'unavailable';
    return { status: 'down', latencyMs: ctx.now() - startMs, error: code };
  }
}
