import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ShopError } from '../../errors/index.js';
import {
  DimensionFilters,
  Grain,
  IsoTime,
  Point,
  RangeQuery,
  withErrors,
} from '../schemas/common-schemas.js';
import { iso, parseList, parseRange } from '../time-range.js';
import { parseDimensionFilter } from '../dimension-filter.js';
import {
  ALL_METRICS,
  DIM_COUNTERS,
  DERIVED_METRICS,
  countersFor,
  metricValue,
} from '../queries/kpi-formulas.js';
import { coveredMinutes, sumCounters, sumCountersByBucket } from '../queries/kpi-counter-queries.js';
import type { RouteContext } from '../route-context.js';
import { API_ROLES } from '../access/api-keys.js';

const DEFAULT_SPAN_MS = 60 * 60_000;
const MAX_POINTS = 20_000;
const GRAIN_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

const SeriesQuery = Type.Object({
  metrics: Type.String({
    default: 'events_total,revenue',
    maxLength: 1000,
    description: 'Comma-separated metrics',
  }),
  grain: Grain,
  ...RangeQuery,
  ...DimensionFilters,
});
const SummaryQuery = Type.Object({ ...RangeQuery, ...DimensionFilters });
const CoveredMinutes = Type.Object(
  {
    current: Type.Integer({ minimum: 0 }),
    previous: Type.Integer({ minimum: 0 }),
  },
  {
    description:
      'One-minute windows holding at least one event in each period (all events, whatever the filter). ' +
      'When previous < current, the previous period is only partly covered by data: not comparable.',
  },
);
const FunnelStep = Type.Object({
  step: Type.String(),
  count: Type.Number(),
  rateFromPrevious: Type.Number({ description: 'count / previous step count (0 when the previous is 0)' }),
  rateFromFirst: Type.Number(),
});
const FUNNEL = ['click', 'add_to_cart', 'checkout', 'purchase'] as const;

export function registerV1KpiRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get(
    '/api/v1/session',
    {
      config: { access: 'public' },
      schema: {
        tags: ['v1'],
        summary: 'The role of the presented API key and whether reads need one',
        response: withErrors(
          Type.Object({
            role: Type.Union([Type.Literal('anonymous'), ...API_ROLES.map((r) => Type.Literal(r))]),
            readAuth: Type.Union([Type.Literal('open'), Type.Literal('key')]),
          }),
          [401, 429, 500],
        ),
      },
    },
    async (req) => ({ role: req.caller, readAuth: ctx.readAuth }),
  );

  app.get<{ Querystring: Static<typeof SeriesQuery> }>(
    '/api/v1/kpis',
    {
      schema: {
        tags: ['v1'],
        summary:
          'KPI series at minute, hour or day grain; rates re-derived from summed counters; optional dimension filter',
        querystring: SeriesQuery,
        response: withErrors(
          Type.Object({
            from: IsoTime,
            to: IsoTime,
            grain: Grain,
            series: Type.Record(Type.String(), Type.Array(Point)),
          }),
        ),
      },
    },
    async (req) => {
      const { fromMs, toMs } = parseRange(req.query, DEFAULT_SPAN_MS, ctx.now());
      const dim = parseDimensionFilter(req.query);
      const metrics = checkedMetrics(parseList(req.query.metrics), dim !== undefined);
      if (((toMs - fromMs) / GRAIN_MS[req.query.grain]) * metrics.length > MAX_POINTS) {
        throw new ShopError(
          'SHOP_API_BAD_REQUEST',
          'too many points: use a coarser grain or a shorter range',
        );
      }
      const buckets = await sumCountersByBucket(ctx.store, {
        fromMs,
        toMs,
        grain: req.query.grain,
        counters: countersFor(metrics),
        dim,
      });
      const series = Object.fromEntries(
        metrics.map((m) => [
          m,
          [...buckets].map(([ts, counters]) => ({ ts, value: metricValue(m, counters) })),
        ]),
      );
      return { from: iso(fromMs), to: iso(toMs), grain: req.query.grain, series };
    },
  );

  app.get<{ Querystring: Static<typeof SummaryQuery> }>(
    '/api/v1/kpis/summary',
    {
      schema: {
        tags: ['v1'],
        summary:
          'Every KPI over a range and over the previous range of the same length, with the data coverage of each (for tiles)',
        querystring: SummaryQuery,
        response: withErrors(
          Type.Object({
            from: IsoTime,
            to: IsoTime,
            previousFrom: IsoTime,
            previousTo: IsoTime,
            current: Type.Record(Type.String(), Type.Number()),
            previous: Type.Record(Type.String(), Type.Number()),
            coveredMinutes: CoveredMinutes,
          }),
        ),
      },
    },
    async (req) => {
      const { fromMs, toMs } = parseRange(req.query, DEFAULT_SPAN_MS, ctx.now());
      const dim = parseDimensionFilter(req.query);
      const metrics = dim === undefined ? ALL_METRICS : [...DIM_COUNTERS, ...DERIVED_METRICS];
      const counters = countersFor(metrics);
      const prevFromMs = fromMs - (toMs - fromMs);
      const [cur, prev, curMinutes, prevMinutes] = await Promise.all([
        sumCounters(ctx.store, { fromMs, toMs, counters, dim }),
        sumCounters(ctx.store, { fromMs: prevFromMs, toMs: fromMs, counters, dim }),
        coveredMinutes(ctx.store, fromMs, toMs),
        coveredMinutes(ctx.store, prevFromMs, fromMs),
      ]);
      const values = (c: Map<string, number>) =>
        Object.fromEntries(metrics.map((m) => [m, metricValue(m, c)]));
      return {
        from: iso(fromMs),
        to: iso(toMs),
        previousFrom: iso(prevFromMs),
        previousTo: iso(fromMs),
        current: values(cur),
        previous: values(prev),
        coveredMinutes: { current: curMinutes, previous: prevMinutes },
      };
    },
  );

  app.get<{ Querystring: Static<typeof SummaryQuery> }>(
    '/api/v1/funnel',
    {
      schema: {
        tags: ['v1'],
        summary: 'Conversion funnel click → add_to_cart → checkout → purchase over a range (event counts)',
        querystring: SummaryQuery,
        response: withErrors(Type.Object({ from: IsoTime, to: IsoTime, steps: Type.Array(FunnelStep) })),
      },
    },
    async (req) => {
      const { fromMs, toMs } = parseRange(req.query, DEFAULT_SPAN_MS, ctx.now());
      const dim = parseDimensionFilter(req.query);
      const sums = await sumCounters(ctx.store, {
        fromMs,
        toMs,
        counters: FUNNEL.map((s) => `events_${s}`),
        dim,
      });
      const counts = FUNNEL.map((s) => sums.get(`events_${s}`) ?? 0);
      const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
      const steps = FUNNEL.map((step, i) => ({
        step,
        count: counts[i]!,
        rateFromPrevious: i === 0 ? 1 : ratio(counts[i]!, counts[i - 1]!),
        rateFromFirst: ratio(counts[i]!, counts[0]!),
      }));
      return { from: iso(fromMs), to: iso(toMs), steps };
    },
  );
}

function checkedMetrics(metrics: string[], filtered: boolean): string[] {
  const allowed = filtered ? new Set([...DIM_COUNTERS, ...DERIVED_METRICS]) : new Set(ALL_METRICS);
  const unknown = metrics.filter((m) => !allowed.has(m));
  if (metrics.length === 0 || unknown.length > 0) {
    throw new ShopError(
      'SHOP_API_BAD_REQUEST',
      `unknown metric(s) ${unknown.join(', ')}; allowed: ${[...allowed].join(', ')}`,
    );
  }
  return metrics;
}
