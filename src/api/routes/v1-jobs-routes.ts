import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { audited } from '../../audit/index.js';
import { isDay } from '../../batch/marts/index.js';
import { ShopError } from '../../errors/index.js';
import { enqueue } from '../../orchestration/job-queue.js';
import { readJobsOverview } from '../../orchestration/jobs-overview.js';
import { listRuns } from '../../orchestration/run-log.js';
import { auditCaller } from '../access/audit-caller.js';
import type { RouteContext } from '../route-context.js';
import { IsoTime, withErrors } from '../schemas/common-schemas.js';

const Nullable = <T extends ReturnType<typeof Type.String> | ReturnType<typeof Type.Number>>(t: T) =>
  Type.Union([t, Type.Null()]);
const Status = Type.String({ description: 'running | succeeded | failed | crashed | skipped | cancelled' });
const Run = Type.Object({
  runId: Type.String(),
  asset: Type.String(),
  partition: Type.String({ description: "The day, or '' for an unpartitioned asset" }),
  status: Status,
  attempt: Type.Integer(),
  trigger: Type.String(),
  backfillId: Nullable(Type.String()),
  executorId: Type.String(),
  startedAt: IsoTime,
  finishedAt: Nullable(IsoTime),
  durationMs: Nullable(Type.Number()),
  rowsWritten: Nullable(Type.Number()),
  errorCode: Nullable(Type.String()),
  errorMessage: Nullable(Type.String()),
  upstreamVersions: Type.Record(Type.String(), Type.String(), {
    description: 'Lineage: upstream key -> version read',
  }),
  checks: Type.Array(Type.Object({ name: Type.String(), passed: Type.Boolean(), message: Type.String() })),
});
const Asset = Type.Object({
  key: Type.String(),
  kind: Type.String(),
  description: Type.String(),
  owner: Type.String(),
  partitioning: Type.String(),
  upstream: Type.Array(Type.String()),
  schedule: Type.String(),
  lastStatus: Nullable(Status),
  lastRunAt: Nullable(IsoTime),
  lastSuccessAt: Nullable(IsoTime),
  freshness: Type.String({ description: 'fresh | late | unknown' }),
  queued: Type.Integer(),
  running: Type.Integer(),
  recentErrors: Type.Array(
    Type.Object({
      partition: Type.String(),
      attempt: Type.Integer(),
      at: IsoTime,
      code: Nullable(Type.String()),
      message: Nullable(Type.String()),
    }),
  ),
});
const Overview = Type.Object({
  scheduler: Type.Union([
    Type.Object({ holder: Type.String(), acquiredAt: IsoTime, expiresAt: IsoTime, live: Type.Boolean() }),
    Type.Null(),
  ]),
  assets: Type.Array(Asset),
  queue: Type.Array(
    Type.Object({
      asset: Type.String(),
      partition: Type.String(),
      attempts: Type.Integer(),
      notBefore: IsoTime,
      trigger: Type.String(),
    }),
  ),
  running: Type.Array(Run),
});
const AssetParams = Type.Object({ asset: Type.String({ minLength: 1, maxLength: 100 }) });
const RunsQuery = Type.Object({
  partition: Type.Optional(Type.String({ maxLength: 10 })),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
});
const TriggerBody = Type.Object(
  { partition: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })) },
  { additionalProperties: false },
);
const ERRORS = [400, 401, 403, 404, 429, 500];

/**
 * `/api/v1/jobs` (docs/orchestration.md): the asset graph with each asset's freshness, last status
 * and recent errors; one asset's run history; and, for admin keys, a trigger that queues one
 * partition for the active scheduler (audited as `job.trigger`).
 */
export function registerV1JobsRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const tags = ['jobs'];
  const known = (key: string) => {
    const a = ctx.jobs.get(key);
    if (a === undefined || a.kind !== 'materialised')
      throw new ShopError('SHOP_API_NOT_FOUND', `no asset ${key}`);
    return a;
  };
  app.get(
    '/api/v1/jobs',
    {
      schema: {
        tags,
        summary: 'Assets, the active scheduler, queue and running attempts',
        response: withErrors(Overview, ERRORS),
      },
    },
    () => readJobsOverview(ctx.store, ctx.jobs, ctx.now()),
  );
  app.get<{ Params: Static<typeof AssetParams>; Querystring: Static<typeof RunsQuery> }>(
    '/api/v1/jobs/:asset/runs',
    {
      schema: {
        tags,
        summary: 'Every attempt of one asset, newest first',
        params: AssetParams,
        querystring: RunsQuery,
        response: withErrors(Type.Object({ runs: Type.Array(Run) }), ERRORS),
      },
    },
    async (req) => {
      known(req.params.asset);
      const { partition, limit } = req.query;
      return {
        runs: await listRuns(ctx.store, {
          asset: req.params.asset,
          limit,
          ...(partition === undefined ? {} : { partition }),
        }),
      };
    },
  );
  app.post<{ Params: Static<typeof AssetParams>; Body: Static<typeof TriggerBody> }>(
    '/api/v1/jobs/:asset/runs',
    {
      config: { access: 'admin' as const },
      schema: {
        tags,
        summary: 'Queue one partition for the scheduler (admin)',
        params: AssetParams,
        body: TriggerBody,
        response: withErrors(
          Type.Object({
            asset: Type.String(),
            partition: Type.String(),
            queued: Type.Boolean({ description: 'false: it was queued already' }),
          }),
          ERRORS,
        ),
      },
    },
    async (req, reply) => {
      const asset = known(req.params.asset);
      const day = req.body.partition ?? new Date(ctx.now() - 86_400_000).toISOString().slice(0, 10);
      if (asset.partitioning === 'daily' && !isDay(day))
        throw new ShopError('SHOP_API_BAD_REQUEST', `partition ${day} is not a day`);
      const partition = asset.partitioning === 'daily' ? day : '';
      const queued = await audited(
        ctx.store,
        { ...auditCaller(req), action: 'job.trigger', target: `${asset.key}[${partition || '-'}]` },
        () => enqueue(ctx.store, { asset: asset.key, partition, trigger: `api:${req.callerActor}` }),
      );
      void reply.code(202);
      return { asset: asset.key, partition, queued };
    },
  );
}
