import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { buildGoldenMarts } from '../../batch/marts/testing/golden-imports.js';
import type { Lake } from '../../lake/index.js';
import { openTestApi, type TestApi } from '../testing/open-test-api.js';

/** The mart routes over the golden marts (docs/marts.md): every number is one of the hand-computed ones. */
let t: TestApi;
let lake: Lake;
let dir: string;
const NOW = Date.parse('2026-03-10T12:00:00Z');
const get = async (url: string) => {
  const res = await t.app.inject(url);
  return { status: res.statusCode, body: res.json() as Record<string, unknown> };
};

before(async () => {
  t = await openTestApi({}, { now: () => NOW });
  dir = await mkdtemp(join(tmpdir(), 'shopstream-marts-api-'));
  lake = await buildGoldenMarts(t.store, dir);
});
after(async () => {
  await lake.close();
  await t.close();
  await rm(dir, { recursive: true, force: true });
});

it('GET /api/v1/marts/daily: the last 90 days by default, one row per day with data', async () => {
  const { status, body } = await get('/api/v1/marts/daily');
  assert.equal(status, 200);
  assert.deepEqual([body.from, body.to], ['2025-12-11', '2026-03-10']);
  const days = body.days as Array<Record<string, number | string>>;
  assert.deepEqual(
    days.map((d) => [
      d.date,
      d.events,
      d.revenue,
      d.orders,
      d.netRevenue,
      d.newCustomerOrders,
      d.repeatOrders,
      d.sessions,
      d.convertedSessions,
    ]),
    [
      ['2026-02-20', 0, 0, 1, 7, 1, 0, 0, 0],
      ['2026-03-02', 13, 36.5, 2, 26.5, 1, 1, 3, 3],
      ['2026-03-03', 6, 110, 2, 10, 2, 0, 1, 1],
      ['2026-03-04', 5, 28.5, 2, 28.5, 1, 1, 2, 2],
    ],
  );
  assert.equal(days[1]!.avgOrderValue, (25.5 + 11) / 2);
  assert.deepEqual(
    days.map((d) => d.grossRevenue),
    [7, 36.5, 110, 28.5],
  );
  assert.equal((await get('/api/v1/marts/daily?from=2026-03-05&to=2026-03-01')).status, 400);
  assert.equal((await get('/api/v1/marts/daily?from=2026-02-30')).status, 400);
});

it('GET /api/v1/marts/daily-aggregations filters and pages the reference rows', async () => {
  const { body } = await get(
    '/api/v1/marts/daily-aggregations?from=2026-03-01&to=2026-03-04&category=bags&limit=2',
  );
  assert.deepEqual(body.page, { limit: 2, offset: 0, total: 4 });
  const rows = body.rows as Array<Record<string, unknown>>;
  assert.deepEqual(
    rows.map((r) => [r.date, r.eventType, r.totalRevenue, r.avgOrderValue]),
    [
      ['2026-03-04', 'purchase', 16.5, 16.5],
      ['2026-03-02', 'add_to_cart', 0, 8.25],
    ],
  );
  const next = await get(
    '/api/v1/marts/daily-aggregations?from=2026-03-01&to=2026-03-04&category=bags&limit=2&offset=2',
  );
  assert.equal((next.body.rows as unknown[]).length, 2);
});

it('GET /api/v1/marts/products/top ranks over the range and re-derives the rate', async () => {
  const { body } = await get('/api/v1/marts/products/top?from=2026-03-01&to=2026-03-04&limit=2');
  const products = body.products as Array<Record<string, unknown>>;
  assert.deepEqual(
    products.map((p) => [p.productId, p.revenue, p.units, p.views, p.refundAmount, p.viewToPurchaseRate]),
    [
      ['pC', 100, 1, 1, 100, 0],
      ['pA', 42, 4, 4, 10, 1],
    ],
  );
  assert.deepEqual(body.page, { limit: 2, offset: 0, total: 3 });
  const byViews = await get('/api/v1/marts/products/top?from=2026-03-01&to=2026-03-04&by=views&limit=1');
  assert.equal((byViews.body.products as Array<{ productId: string }>)[0]!.productId, 'pA');
});

it('GET /api/v1/marts/customers/segments: current customers and the orders of the range per segment', async () => {
  const { body } = await get('/api/v1/marts/customers/segments?from=2026-02-01&to=2026-03-04');
  assert.match(body.segmentation as string, /until RFM/);
  assert.deepEqual(body.segments, [
    { segment: 'prospect', customers: 1, lifetimeNetRevenue: 0, orders: 0, revenue: 0 },
    {
      segment: 'new',
      customers: 4,
      lifetimeNetRevenue: 0 + 10 + 16.5 + 11,
      orders: 5,
      revenue: 7 + 100 + 10 + 16.5 + 11,
    },
    { segment: 'repeat', customers: 1, lifetimeNetRevenue: 34.5, orders: 2, revenue: 25.5 + 12 },
    { segment: 'loyal', customers: 0, lifetimeNetRevenue: 0, orders: 0, revenue: 0 },
  ]);
});

it('GET /api/v1/sessions filters, pages and totals', async () => {
  const all = await get('/api/v1/sessions?from=2026-03-01&to=2026-03-04&limit=2');
  assert.deepEqual(all.body.summary, {
    sessions: 6,
    convertedSessions: 6,
    conversionRate: 1,
    avgDurationS: (2790 + 0 + 1380 + 60 + 120 + 0) / 6,
    avgEvents: 21 / 6,
    revenue: 25.5 + 11 + 100 + 10 + 12 + 16.5,
  });
  const sessions = all.body.sessions as Array<Record<string, unknown>>;
  assert.deepEqual(
    sessions.map((s) => [s.sessionId, s.startTime, s.channel]),
    [
      ['sD1', '2026-03-04T16:00:00.000Z', 'store'],
      ['sA2', '2026-03-04T08:00:00.000Z', 'web'],
    ],
  );
  assert.deepEqual(all.body.page, { limit: 2, offset: 0, total: 6 });
  const app = await get('/api/v1/sessions?from=2026-03-01&to=2026-03-04&channel=app');
  assert.deepEqual(
    (app.body.sessions as Array<{ durationS: number }>).map((s) => s.durationS),
    [1380],
  );
  const none = await get('/api/v1/sessions?from=2026-03-01&to=2026-03-04&converted=false');
  assert.equal((none.body.summary as { sessions: number }).sessions, 0);
  assert.equal((await get('/api/v1/sessions?limit=501')).status, 400);
});
