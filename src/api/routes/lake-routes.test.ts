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
