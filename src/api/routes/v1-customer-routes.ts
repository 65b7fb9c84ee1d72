import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { parseSegmentRules } from '../../batch/customers/index.js';
import { ShopError } from '../../errors/index.js';
import { withErrors } from '../schemas/common-schemas.js';
import {
  AsOfQuery,
  ClvSummaryResponse,
  CohortsResponse,
  CustomerResponse,
  SegmentsResponse,
} from '../schemas/customer-schemas.js';
import {
  clvSummary,
  cohortCells,
  customerDetail,
  latestClvRun,
  resolveRfmAsOf,
  rfmSnapshotDays,
  segmentStats,
} from '../queries/customer-analytics-queries.js';
import type { RouteContext } from '../route-context.js';

const tags = ['customers'];
const ClvQuery = Type.Object({ top: Type.Integer({ minimum: 0, maximum: 100, default: 10 }) });
const CustomerParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 1024 }) });

/** Customer analytics (docs/customer-analytics.md): RFM segments, CLV, cohorts, one customer. */
export function registerV1CustomerRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const segmentNames = parseSegmentRules(ctx.customers.segmentRules).names;

  app.get<{ Querystring: Static<typeof AsOfQuery> }>(
    '/api/v1/customers/segments',
    {
      schema: {
        tags,
        summary: 'RFM segments of a snapshot (default: the latest): customers and revenue, with their shares',
        querystring: AsOfQuery,
        response: withErrors(SegmentsResponse),
      },
    },
    async (req) => {
      const asOf = await resolveRfmAsOf(ctx.store, req.query.asOf);
      const stats =
        asOf === null
          ? { customers: 0, segments: (await segmentStats(ctx.store, '1970-01-01', segmentNames)).segments }
          : await segmentStats(ctx.store, asOf, segmentNames);
      return {
        asOf,
        ...stats,
        segmentRules: ctx.customers.segmentRules,
        snapshots: await rfmSnapshotDays(ctx.store),
      };
    },
  );

  app.get<{ Querystring: Static<typeof ClvQuery> }>(
    '/api/v1/customers/clv/summary',
    {
      schema: {
        tags,
        summary:
          'The latest CLV run: fitted BG/NBD and Gamma-Gamma parameters with diagnostics, totals, distribution, top customers',
        querystring: ClvQuery,
        response: withErrors(ClvSummaryResponse),
      },
    },
    async (req) => {
      const summary = await clvSummary(ctx.store, req.query.top);
      return {
        run: await latestClvRun(ctx.store),
        ...summary,
        top: summary.top.map((c) => ({ ...c, customerId: ctx.maskUserId(c.customerId) })),
      };
    },
  );

  app.get(
    '/api/v1/customers/cohorts',
    {
      schema: {
        tags,
        summary: 'Monthly acquisition cohorts: retention and revenue per month since the first order',
        response: withErrors(CohortsResponse),
      },
    },
    async () => cohortCells(ctx.store),
  );

  app.get<{ Params: Static<typeof CustomerParams> }>(
    '/api/v1/customers/:id',
    {
      schema: {
        tags,
        summary:
          'One customer (by its unmasked id): latest RFM, segment history, CLV; the id is masked in the answer',
        params: CustomerParams,
        response: withErrors(CustomerResponse, [400, 401, 404, 429, 500]),
      },
    },
    async (req) => {
      const detail = await customerDetail(ctx.store, req.params.id);
      if (detail === null)
        throw new ShopError('SHOP_API_NOT_FOUND', 'no RFM snapshot or CLV run knows this customer');
      return { customerId: ctx.maskUserId(req.params.id), ...detail };
    },
  );
}
