import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import {
  IsoTime,
  LakeAsOfQuery,
  LakeVersionRead,
  RangeQuery,
  withErrors,
} from '../schemas/common-schemas.js';
import { ShopError } from '../../errors/index.js';
import { AlertSchema } from '../schemas/alert-schema.js';
import { iso, parseLakeAsOf, parseRange } from '../time-range.js';
import { acknowledgeAlert } from '../queries/alert-queries.js';
import { accountingCloses } from '../../store/partition-accounting.js';
import { accountingTotals, quarantineByReason } from '../queries/quality-queries.js';
import { commitWatermark, readPositionRows } from '../queries/pipeline-queries.js';
import { latestDqRun } from '../queries/dq-queries.js';
import { recentReconciliationRuns } from '../queries/reconciliation-queries.js';
import { OffsetRateSampler } from '../live/offset-rate-sampler.js';
import type { RouteContext } from '../route-context.js';
import { audited } from '../../audit/index.js';
import { auditCaller } from '../access/audit-caller.js';

const Nullable = <T extends ReturnType<typeof Type.Number | typeof Type.String>>(t: T) =>
  Type.Union([t, Type.Null()]);
const Accounting = Type.Object({
  recordsRead: Type.Number(),
  bronzeRows: Type.Number(),
  silverRows: Type.Number(),
  quarantineRows: Type.Number(),
  duplicatesDropped: Type.Number(),
  lateQuarantined: Type.Number(),
});
const Partition = Type.Object({
  topic: Type.String(),
  partition: Type.Integer(),
  nextOffset: Type.Number(),
  endOffset: Nullable(Type.Number()),
  lag: Nullable(Type.Number({ description: 'endOffset - nextOffset; null without an in-process pipeline' })),
  committedAt: Nullable(IsoTime),
  maxEventTime: Nullable(IsoTime),
  freshnessMs: Nullable(Type.Number({ description: 'now - newest committed event time' })),
  lakeNextOffset: Type.Number({
    description: 'every offset below it is in committed lake files (the lake is flushed by size and age)',
  }),
  lakeCommittedAt: Nullable(IsoTime),
});
const AckParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 300 }) });
const AckBody = Type.Object(
  { by: Type.Optional(Type.String({ maxLength: 120 })) },
  { additionalProperties: false },
);

const UniquesQuery = Type.Object({ ...RangeQuery, ...LakeAsOfQuery });
const QualityQuery = Type.Object({
  ...RangeQuery,
  ...LakeAsOfQuery,
  grain: Type.Optional(Type.Union([Type.Literal('minute'), Type.Literal('hour'), Type.Literal('day')])),
});
const GRAIN_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

const DqRun = Type.Object({
  runId: Type.String(),
  finishedAt: IsoTime,
  score: Type.Number({ description: '0-100' }),
  checksPassed: Type.Integer(),
  checksFailed: Type.Integer(),
  checks: Type.Array(
    Type.Object({
      check: Type.String(),
      category: Type.String(),
      passed: Type.Boolean(),
      observed: Nullable(Type.Number()),
      threshold: Nullable(Type.Number()),
      message: Type.String(),
    }),
  ),
});

const ReconciliationRun = Type.Object({
  runId: Type.String(),
  startedAt: IsoTime,
  finishedAt: IsoTime,
  from: IsoTime,
  to: IsoTime,
  windowsChecked: Type.Integer({ description: 'settled minutes compared in [from, to)' }),
  valuesChecked: Type.Integer(),
  mismatchCount: Type.Integer(),
  maxDifference: Type.Number(),
  mismatches: Type.Array(
    Type.Object({
      windowStart: IsoTime,
      metric: Type.String(),
      streaming: Nullable(Type.Number({ description: 'serving.kpi_minute' })),
      batch: Nullable(Type.Number({ description: 'recomputed from Silver' })),
      difference: Type.Number(),
    }),
    { description: 'the first 100' },
  ),
  alertId: Nullable(Type.String()),
  silverVersion: Nullable(
    Type.Number({
      description:
        'the Silver Delta version both recomputes read; `shopstream reconcile --as-of-version` checks against it again',
    }),
  ),
});
const ReconciliationQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 20 })),
});

export function registerV1OpsRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const sampler = new OffsetRateSampler();

  app.get<{ Querystring: Static<typeof ReconciliationQuery> }>(
    '/api/v1/reconciliation',
    {
      schema: {
        querystring: ReconciliationQuery,
        tags: ['v1'],
        summary:
          'Streaming-vs-batch reconciliation runs, newest first: settled minutes of kpi_minute compared with a recompute from Silver (docs/reconciliation.md)',
        response: withErrors(
          Type.Object({
            runs: Type.Array(ReconciliationRun),
            mismatchesInLatest: Type.Integer({
              description: 'mismatch count of the newest run (0 before any)',
            }),
          }),
          [400, 401, 429, 500, 503],
        ),
      },
    },
    async (req) => {
      const runs = await recentReconciliationRuns(ctx.store, req.query.limit ?? 20);
      return { runs, mismatchesInLatest: runs[0]?.mismatchCount ?? 0 };
    },
  );

  app.get(
    '/api/v1/quality/runs/latest',
    {
      schema: {
        tags: ['v1'],
        summary: 'The newest data-quality suite run (shopstream dq run): 0-100 score and every check',
        response: withErrors(Type.Object({ run: Type.Union([DqRun, Type.Null()]) })),
      },
    },
    async () => ({ run: await latestDqRun(ctx.store) }),
  );

  app.get<{ Querystring: Static<typeof QualityQuery> }>(
    '/api/v1/quality/quarantine',
    {
      schema: {
        querystring: QualityQuery,
        tags: ['v1'],
        summary: 'Data quality: valid share and quarantined events by reason code',
        response: withErrors(
          Type.Object({
            validEvents: Type.Number(),
            quarantinedEvents: Type.Number(),
            duplicatesDropped: Type.Number(),
            validPct: Nullable(
              Type.Number({ description: '100 × silver / (silver + quarantine); null before any event' }),
            ),
            reasons: Type.Array(Type.Object({ reason: Type.String(), count: Type.Number() })),
            series: Type.Array(Type.Object({ ts: IsoTime, reason: Type.String(), count: Type.Number() })),
            seriesLakeVersion: LakeVersionRead,
          }),
          [400, 401, 404, 429, 500, 503],
        ),
      },
    },
    async (req) => {
      const { fromMs, toMs } = parseRange(req.query, 3_600_000, ctx.now());
      const bucketMs = GRAIN_MS[req.query.grain ?? 'minute'];
      const asOf = parseLakeAsOf(req.query);
      const [acc, reasons, series] = await Promise.all([
        accountingTotals(ctx.store),
        quarantineByReason(ctx.store),
        ctx.lake === undefined
          ? Promise.resolve({ lakeVersion: null, points: [] })
          : ctx.lake.quarantineSeries(fromMs, toMs, bucketMs, asOf),
      ]);
      const judged = acc.silverRows + acc.quarantineRows;
      return {
        validEvents: acc.silverRows,
        quarantinedEvents: acc.quarantineRows,
        duplicatesDropped: acc.duplicatesDropped,
        validPct: judged === 0 ? null : (100 * acc.silverRows) / judged,
        reasons,
        series: series.points,
        seriesLakeVersion: series.lakeVersion,
      };
    },
  );

  app.get<{ Querystring: Static<typeof UniquesQuery> }>(
    '/api/v1/uniques',
    {
      schema: {
        tags: ['v1'],
        summary:
          'Distinct users and sessions over a range, and session conversion (exact, from Silver in the lake)',
        querystring: UniquesQuery,
        response: withErrors(
          Type.Object({
            from: IsoTime,
            to: IsoTime,
            lakeVersion: LakeVersionRead,
            uniqueUsers: Type.Number(),
            uniqueSessions: Type.Number(),
            convertedSessions: Type.Number(),
            sessionConversion: Type.Number({
              description: 'sessions with a purchase / sessions (0 when none)',
            }),
          }),
          [400, 401, 404, 429, 500, 503],
        ),
      },
    },
    async (req) => {
      const { fromMs, toMs } = parseRange(req.query, 3_600_000, ctx.now());
      if (ctx.lake === undefined)
        throw new ShopError('SHOP_API_NO_LAKE', 'this API process has no lake configured');
      const asOf = parseLakeAsOf(req.query);
      return { from: iso(fromMs), to: iso(toMs), ...(await ctx.lake.uniqueCounts(fromMs, toMs, asOf)) };
    },
  );

  app.get(
    '/api/v1/pipeline/status',
    {
      schema: {
        tags: ['v1'],
        summary: 'Per-partition progress, lag, freshness, events/s and the accounting invariant',
        response: withErrors(
          Type.Object({
            now: IsoTime,
            partitions: Type.Array(Partition),
            eventsPerSec: Nullable(Type.Number()),
            freshnessMs: Nullable(Type.Number()),
            totalLag: Nullable(Type.Number()),
            accounting: Type.Object({
              balanced: Type.Union([Type.Boolean(), Type.Null()]),
              read: Type.Number(),
              accounted: Type.Number(),
              totals: Accounting,
            }),
          }),
        ),
      },
    },
    async () => {
      const nowMs = ctx.now();
      const [rows, mark, acc, live] = await Promise.all([
        readPositionRows(ctx.store),
        commitWatermark(ctx.store),
        accountingTotals(ctx.store),
        ctx.status === undefined ? Promise.resolve(undefined) : ctx.status().catch(() => undefined),
      ]);
      sampler.record(nowMs, mark.offsetsTotal);
      const ends = new Map(live?.partitions.map((p) => [`${p.topic}:${p.partition}`, p.endOffset]) ?? []);
      const partitions = rows.map((r) => {
        const endOffset = ends.get(`${r.topic}:${r.partition}`) ?? null;
        return {
          ...r,
          endOffset,
          lag: endOffset === null ? null : Math.max(0, endOffset - r.nextOffset),
          freshnessMs: r.maxEventTime === null ? null : Math.max(0, nowMs - Date.parse(r.maxEventTime)),
        };
      });
      const lags = partitions.map((p) => p.lag).filter((l): l is number => l !== null);
      const accounted = acc.silverRows + acc.quarantineRows + acc.duplicatesDropped;
      return {
        now: iso(nowMs),
        partitions,
        eventsPerSec: live?.eventsPerSec ?? sampler.ratePerSec(),
        freshnessMs: mark.maxEventTimeMs === null ? null : Math.max(0, nowMs - mark.maxEventTimeMs),
        totalLag: lags.length === 0 ? null : lags.reduce((a, b) => a + b, 0),
        accounting: {
          balanced: acc.recordsRead === 0 ? null : accountingCloses(acc),
          read: acc.recordsRead,
          accounted,
          totals: acc,
        },
      };
    },
  );

  app.post<{ Params: Static<typeof AckParams>; Body: Static<typeof AckBody> | undefined }>(
    '/api/v1/alerts/:id/acknowledge',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['v1'],
        summary: 'Acknowledge an alert (operator or admin key); idempotent; audited',
        params: AckParams,
        body: Type.Optional(AckBody),
        response: withErrors(Type.Object({ alert: AlertSchema }), [400, 401, 403, 404, 413, 429, 500]),
      },
    },
    async (req) => ({
      alert: await audited(
        ctx.store,
        { ...auditCaller(req), action: 'alert.acknowledge', target: req.params.id },
        () => acknowledgeAlert(ctx.store, req.params.id, req.body?.by ?? req.callerActor, ctx.now()),
      ),
    }),
  );
}
