import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLake, type Lake } from '../../lake/index.js';
import { quarantineRow, silverRow } from '../../lake/testing/lake-row-fixtures.js';
import { openTestApi, type TestApi } from '../testing/open-test-api.js';

const T0 = Date.parse('2026-01-24T13:00:00.000Z');
let dir = '';
let lake: Lake;
let t: TestApi;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shopstream-lake-api-'));
  lake = await openLake({ dir, fsync: false });
  // 10 events: users u0..u9 (i % 50000), sessions s<i % 9000>-<i % 7>; i = 3 and 8 are purchases (i % 5 === 3).
  const rows = Array.from({ length: 10 }, (_, i) => silverRow(i, T0 + i * 1_000));
  await lake.writeSilver(rows, { topic: 'ecom.events.raw.v1', partition: 0, fromOffset: 0, toOffset: 9 });
  await lake.writeQuarantine(
    [
      quarantineRow(10, T0 + 5_000, ['missing_user_id', 'bad_event_time']),
      quarantineRow(11, T0 + 65_000, ['not_json']),
      quarantineRow(12, T0 + 66_000, ['not_json']),
    ],
    { topic: 'ecom.events.raw.v1', partition: 0, fromOffset: 10, toOffset: 12 },
  );
  t = await openTestApi({}, { lake, now: () => T0 + 120_000 });
});

after(async () => {
  await t.close();
  await lake.close();
  await rm(dir, { recursive: true, force: true });
});

it('GET /api/v1/uniques counts distinct users and sessions exactly, and session conversion', async () => {
  const res = await t.app.inject({ method: 'GET', url: `/api/v1/uniques?from=${T0}&to=${T0 + 60_000}` });
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json() as Record<string, number>;
  assert.equal(body['uniqueUsers'], 10);
  assert.equal(body['uniqueSessions'], 10);
  assert.equal(body['convertedSessions'], 2);
  assert.equal(body['sessionConversion'], 0.2);
  const half = (
    await t.app.inject({ method: 'GET', url: `/api/v1/uniques?from=${T0}&to=${T0 + 5_000}` })
  ).json() as Record<string, number>;
  assert.equal(half['uniqueUsers'], 5, 'the range is [from, to)');
});

it('GET /api/v1/quality/quarantine fills the series per reason and minute from the lake', async () => {
  const res = await t.app.inject({
    method: 'GET',
    url: `/api/v1/quality/quarantine?from=${T0}&to=${T0 + 120_000}&grain=minute`,
  });
  assert.equal(res.statusCode, 200, res.body);
  const series = (res.json() as { series: Array<{ ts: string; reason: string; count: number }> }).series;
  assert.deepEqual(series, [
    { ts: '2026-01-24T13:00:00.000Z', reason: 'bad_event_time', count: 1 },
    { ts: '2026-01-24T13:00:00.000Z', reason: 'missing_user_id', count: 1 },
    { ts: '2026-01-24T13:01:00.000Z', reason: 'not_json', count: 2 },
  ]);
});

it('lake-backed routes time-travel: asOfVersion and asOfTime read the table as it was, and say which version', async () => {
  const uniques = async (query: string) => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/uniques?from=${T0}&to=${T0 + 60_000}${query}`,
    });
    return { status: res.statusCode, body: res.json() as Record<string, unknown> };
  };
  const before = await uniques('');
  const v = before.body['lakeVersion'] as number;
  assert.equal(typeof v, 'number');
  const firstCommitMs = Date.now();
  await new Promise((r) => setTimeout(r, 20));
  // Version 1 of Silver: five more users in the same minute.
  const more = Array.from({ length: 5 }, (_, i) => silverRow(20 + i, T0 + 20_000 + i * 1_000));
  await lake.writeSilver(more, { topic: 'ecom.events.raw.v1', partition: 0, fromOffset: 13, toOffset: 17 });

  const latest = await uniques('');
  assert.equal(latest.body['lakeVersion'], v + 1);
  assert.equal(latest.body['uniqueUsers'], 15);
  const pinned = await uniques(`&asOfVersion=${v}`);
  assert.equal(pinned.status, 200, JSON.stringify(pinned.body));
  assert.deepEqual([pinned.body['lakeVersion'], pinned.body['uniqueUsers']], [v, 10]);
  const atTime = await uniques(`&asOfTime=${new Date(firstCommitMs).toISOString()}`);
  assert.deepEqual([atTime.body['lakeVersion'], atTime.body['uniqueUsers']], [v, 10]);
  const beforeTable = await uniques('&asOfTime=2000-01-01T00:00:00Z');
  assert.deepEqual([beforeTable.body['lakeVersion'], beforeTable.body['uniqueUsers']], [null, 0]);

  const missing = await uniques('&asOfVersion=99');
  assert.equal(missing.status, 404);
  assert.equal(missing.body['code'], 'SHOP_LAKE_VERSION_NOT_FOUND');
  const both = await uniques('&asOfVersion=1&asOfTime=2026-01-01T00:00:00Z');
  assert.equal(both.status, 400);
  assert.equal(both.body['code'], 'SHOP_API_BAD_REQUEST');

  const quality = await t.app.inject({
    method: 'GET',
    url: `/api/v1/quality/quarantine?from=${T0}&to=${T0 + 120_000}&asOfTime=2000-01-01T00:00:00Z`,
  });
  assert.equal(quality.statusCode, 200, quality.body);
  const q = quality.json() as { series: unknown[]; seriesLakeVersion: number | null };
  assert.deepEqual([q.series.length, q.seriesLakeVersion], [0, null]);
});

it('GET /api/v1/kpis/explain lists the events of a minute with their log position and file, and what was left out', async () => {
  const res = await t.app.inject({
    method: 'GET',
    url: `/api/v1/kpis/explain?metric=events_total&window_start=${new Date(T0).toISOString()}&limit=4&offset=2`,
  });
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json() as {
    value: number | null;
    recomputed: number;
    formula: string;
    inputs: Record<string, number>;
    events: { total: number; items: Array<{ offset: number; partition: number; file: string }> };
    excluded: {
      byReason: Array<{ reason: string; count: number }>;
      items: Array<{ offset: number; reasons: string[] }>;
    };
  };
  assert.equal(body.value, null, 'no Gold row in this fixture');
  // The minute's Silver: the 10 events of the fixture and the 5 the time-travel test added.
  assert.equal(body.inputs['events_total'], 15);
  assert.equal(body.recomputed, 15);
  assert.match(body.formula, /count/);
  assert.equal(body.events.total, 15);
  assert.deepEqual(
    body.events.items.map((e) => e.offset),
    [2, 3, 4, 5],
    'paged in event-time order',
  );
  assert.ok(body.events.items.every((e) => e.partition === 0 && e.file.endsWith('.parquet')));
  const purchases = (
    await t.app.inject({
      method: 'GET',
      url: `/api/v1/kpis/explain?metric=revenue&window_start=${new Date(T0).toISOString()}`,
    })
  ).json() as { events: { total: number }; inputs: Record<string, number> };
  assert.ok(purchases.events.total >= 2);
  assert.equal(
    purchases.events.total,
    purchases.inputs['events_purchase'],
    'revenue lists the purchases only',
  );
});
