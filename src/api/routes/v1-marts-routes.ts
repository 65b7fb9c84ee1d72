import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { withErrors } from '../schemas/common-schemas.js';
import {
  DailyAggregation,
  DailyDay,
  DayRangeQuery,
  MartProduct,
  PageInfo,
  PageQuery,
  Segment,
  SessionItem,
  SessionSummary,
} from '../schemas/mart-schemas.js';
import { customerSegments, listSessions } from '../queries/mart-customer-queries.js';
import { dailyAggregations, dailySummary, topMartProducts } from '../queries/mart-queries.js';
import { parseDayRange } from '../time-range.js';
import type { RouteContext } from '../route-context.js';

/** Default span of the mart routes: the last 90 days, today included. */
const DEFAULT_DAYS = 90;
const Range = Type.Object({ ...DayRangeQuery });
const AggregationsQuery = Type.Object({
  ...DayRangeQuery,
  ...PageQuery,
  category: Type.Optional(Type.String({ maxLength: 128 })),
  eventType: Type.Optional(Type.String({ maxLength: 64 })),
});
const ProductsQuery = Type.Object({
  ...DayRangeQuery,
  ...PageQuery,
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 10 }),
  by: Type.Union([Type.Literal('revenue'), Type.Literal('units'), Type.Literal('views')], {
    default: 'revenue',
  }),
  category: Type.Optional(Type.String({ maxLength: 128 })),
});
const SessionsQuery = Type.Object({
  ...DayRangeQuery,
  ...PageQuery,
  channel: Type.Optional(Type.String({ maxLength: 64 })),
  converted: Type.Optional(Type.Boolean({ description: 'true: sessions with a purchase; false: without' })),
  userId: Type.Optional(Type.String({ maxLength: 1024 })),
});
const tags = ['marts'];
const SEGMENTATION =
  'Order-count segments of dim_customers until RFM lands: prospect (0 orders), new (1), repeat (2-4), loyal (5+).';

export function registerV1MartsRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const range = (q: Static<typeof Range>) => parseDayRange(q, DEFAULT_DAYS, ctx.now());

  app.get<{ Querystring: Static<typeof Range> }>(
    '/api/v1/marts/daily',
    {
      schema: {
        tags,
        summary:
          'Per day: events, revenue, orders, new vs repeat, AOV, sessions and their conversion (default: 90 days)',
        querystring: Range,
        response: withErrors(
          Type.Object({ from: Type.String(), to: Type.String(), days: Type.Array(DailyDay) }),
        ),
      },
    },
    async (req) => {
      const r = range(req.query);
      return { ...r, days: await dailySummary(ctx.store, r) };
    },
  );

  app.get<{ Querystring: Static<typeof AggregationsQuery> }>(
    '/api/v1/marts/daily-aggregations',
    {
      schema: {
        tags,
        summary: 'mart.daily_aggregations rows (date, category, event type), newest first, paged',
        querystring: AggregationsQuery,
        response: withErrors(Type.Object({ rows: Type.Array(DailyAggregation), page: PageInfo })),
      },
    },
    async (req) => {
      const { rows, total } = await dailyAggregations(ctx.store, { ...req.query, ...range(req.query) });
      return { rows, page: { limit: req.query.limit, offset: req.query.offset, total } };
    },
  );

  app.get<{ Querystring: Static<typeof ProductsQuery> }>(
    '/api/v1/marts/products/top',
    {
      schema: {
        tags,
        summary: 'Products over a range of days from product_analytics, by revenue, units or views, paged',
        querystring: ProductsQuery,
        response: withErrors(
          Type.Object({
            from: Type.String(),
            to: Type.String(),
            by: Type.String(),
            products: Type.Array(MartProduct),
            page: PageInfo,
          }),
        ),
      },
    },
    async (req) => {
      const r = range(req.query);
      const { rows, total } = await topMartProducts(ctx.store, { ...req.query, ...r });
      return {
        ...r,
        by: req.query.by,
        products: rows,
        page: { limit: req.query.limit, offset: req.query.offset, total },
      };
    },
  );

  app.get<{ Querystring: Static<typeof Range> }>(
    '/api/v1/marts/customers/segments',
    {
      schema: {
        tags,
        summary: 'Customers and orders per customer segment',
        description: SEGMENTATION,
        querystring: Range,
        response: withErrors(
          Type.Object({
            from: Type.String(),
            to: Type.String(),
            segmentation: Type.String(),
            segments: Type.Array(Segment),
          }),
        ),
      },
    },
    async (req) => {
      const r = range(req.query);
      return { ...r, segmentation: SEGMENTATION, segments: await customerSegments(ctx.store, r) };
    },
  );

  app.get<{ Querystring: Static<typeof SessionsQuery> }>(
    '/api/v1/sessions',
    {
      schema: {
        tags,
        summary:
          'Sessions (30-minute inactivity) of a range of days, newest first, with totals and conversion',
        querystring: SessionsQuery,
        response: withErrors(
          Type.Object({
            from: Type.String(),
            to: Type.String(),
            summary: SessionSummary,
            sessions: Type.Array(SessionItem),
            page: PageInfo,
          }),
        ),
      },
    },
    async (req) => {
      const r = range(req.query);
      const { summary, items, total } = await listSessions(ctx.store, { ...req.query, ...r });
      return {
        ...r,
        summary,
        sessions: items,
        page: { limit: req.query.limit, offset: req.query.offset, total },
      };
    },
  );
}
