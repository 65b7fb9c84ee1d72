import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { KPI_METRICS, type KpiMetric } from '../../contract/kpi-metrics.js';
import { ShopError } from '../../errors/index.js';
import { IsoTime, withErrors } from '../schemas/common-schemas.js';
import type { RouteContext } from '../route-context.js';
import { explainKpi } from '../queries/kpi-explain.js';

const Nullable = <T extends ReturnType<typeof Type.Number | typeof Type.String>>(t: T) =>
  Type.Union([t, Type.Null()]);

const ExplainQuery = Type.Object({
  metric: Type.Union(
    KPI_METRICS.map((m) => Type.Literal(m)),
    { description: 'a reference KPI' },
  ),
  window_start: Type.String({
    maxLength: 40,
    description: 'the minute, ISO-8601 UTC (e.g. 2026-01-24T12:00:00Z)',
  }),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0 })),
});

const Inputs = Type.Object({
  events_total: Type.Number(),
  events_click: Type.Number(),
  events_add_to_cart: Type.Number(),
  events_checkout: Type.Number(),
  events_purchase: Type.Number(),
  revenue: Type.Number(),
});

const Explanation = Type.Object({
  metric: Type.String(),
  windowStart: IsoTime,
  value: Nullable(Type.Number({ description: 'serving.kpi_minute as committed (null: no such row)' })),
  finalized: Type.Boolean({ description: 'Gold finalised the minute: no on-time event can change it' }),
  commits: Type.Object(
    {
      count: Type.Integer({
        description: 'serving-DB transactions of the processor that added to the minute',
      }),
      firstCommitAt: Nullable(IsoTime),
      lastCommitAt: Nullable(IsoTime),
      finalizedAt: Nullable(IsoTime),
      items: Type.Array(
        Type.Object({
          revision: Type.Integer({ description: "the minute's revision after this commit (1 = the first)" }),
          committedAt: IsoTime,
          topic: Type.String(),
          ranges: Type.Array(
            Type.Object({
              partition: Type.Integer(),
              fromOffset: Type.Integer({ description: 'first log offset the commit applied' }),
              toOffset: Type.Integer({ description: 'log offset after the last one it applied' }),
              epoch: Type.Integer({ description: "the processor's claim epoch of the partition" }),
            }),
          ),
        }),
        {
          description:
            'the newest 100 commits one by one, oldest first, with the log ranges each applied (fewer than count for minutes committed before they were recorded or past store.windowCommitsRetentionHours)',
        },
      ),
    },
    { description: 'the processor commits that touched the minute (serving.kpi_window, kpi_window_commits)' },
  ),
  formula: Type.String(),
  inputs: Inputs,
  recomputed: Type.Number({ description: 'the formula over the inputs from Silver' }),
  silverVersion: Type.Union([Type.Integer({ description: 'the Silver table version read' }), Type.Null()]),
  events: Type.Object({
    total: Type.Integer({ description: 'contributing Silver events (of the metric’s event types)' }),
    offset: Type.Integer(),
    limit: Type.Integer(),
    items: Type.Array(
      Type.Object({
        eventId: Type.String(),
        eventType: Type.String(),
        eventTime: IsoTime,
        ingestTime: IsoTime,
        price: Nullable(Type.Number()),
        quantity: Nullable(Type.Number()),
        partition: Type.Integer({ description: 'log partition' }),
        offset: Type.Integer({ description: 'log offset' }),
        file: Type.String({ description: 'the silver data file (Delta add.path)' }),
      }),
    ),
  }),
  excluded: Type.Object({
    logRanges: Type.Integer({
      description: 'Bronze files read: the log ranges holding the minute’s Silver events',
    }),
    byReason: Type.Array(Type.Object({ reason: Type.String(), count: Type.Integer() })),
    items: Type.Array(
      Type.Object({
        partition: Type.Integer(),
        offset: Type.Integer(),
        eventId: Nullable(Type.String()),
        reasons: Type.Array(Type.String()),
      }),
      { description: 'the first 200' },
    ),
  }),
});

/** `GET /api/v1/kpis/explain`: one minute's KPI, what made it and what was left out (docs/reconciliation.md). */
export function registerV1ExplainRoute(app: FastifyInstance, ctx: RouteContext): void {
  app.get<{ Querystring: Static<typeof ExplainQuery> }>(
    '/api/v1/kpis/explain',
    {
      schema: {
        tags: ['v1'],
        summary:
          "Explain one minute's KPI: formula, inputs from Silver, the contributing events with their log position and lake file (paged), and the log records left out with their reasons",
        querystring: ExplainQuery,
        response: withErrors(Explanation, [400, 401, 404, 429, 500, 503]),
      },
    },
    async (req) => {
      const windowStartMs = Date.parse(req.query.window_start);
      if (!Number.isFinite(windowStartMs) || windowStartMs % 60_000 !== 0)
        throw new ShopError('SHOP_API_BAD_REQUEST', '`window_start` must be an ISO-8601 minute (seconds 00)');
      if (ctx.lake === undefined)
        throw new ShopError('SHOP_API_NO_LAKE', 'this API process has no lake configured');
      const lake = ctx.lake;
      return explainKpi(ctx.store, (r) => lake.explainMinute(r), {
        metric: req.query.metric as KpiMetric,
        windowStartMs,
        limit: req.query.limit ?? 100,
        offset: req.query.offset ?? 0,
      });
    },
  );
}
