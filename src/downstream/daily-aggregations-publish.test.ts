import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Value } from '@sinclair/typebox/value';
import { buildMarts } from '../batch/marts/index.js';
import { seedGoldenImports } from '../batch/marts/testing/golden-imports.js';
import { INITIAL, LATE, writeSilverEvents } from '../batch/marts/testing/golden-data.js';
import { openLake } from '../lake/index.js';
import { openTestLog } from '../log/embedded/embedded-log-test-kit.js';
import { readAll } from '../log/testing/read-all.js';
import { openPgliteStore } from '../store/pglite/pglite-store.js';
import {
  DAILY_AGGREGATIONS_TOPIC,
  DailyAggregationRecord,
  dailyAggregationKey,
  dailyAggregationsPublisher,
} from './daily-aggregations-topic.js';

const OPTIONS = { sessionTimeoutMinutes: 30, topProducts: 5, publishBatchRows: 1000, fsync: false };

test('the marts build sends each changed day of daily_aggregations to the topic, equal to the mart rows', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'shopstream-daily-publish-'));
  const store = await openPgliteStore({ dataDir: join(dir, 'serving') });
  const lake = await openLake({ dir: join(dir, 'lake'), fsync: false });
  const log = await openTestLog(join(dir, 'log'));
  try {
    await store.migrate();
    await seedGoldenImports(store, dir);
    let ensured = 0;
    let failNext = false;
    const publisher = dailyAggregationsPublisher({
      log: async () => log,
      partitions: 2,
      ensureTopic: async (opened) => {
        ensured++;
        await opened.ensureTopic({ name: DAILY_AGGREGATIONS_TOPIC, partitions: 2 });
      },
    });
    const onRowsPublished: typeof publisher = async (p) => {
      if (failNext && p.model === 'daily_aggregations') {
        failNext = false;
        throw new Error('the broker is down');
      }
      await publisher(p);
    };
    const build = () => buildMarts({ lake, store, options: OPTIONS, onRowsPublished });
    const mart = async () =>
      (
        await store.query<Record<string, unknown>>(
          `SELECT to_char(date, 'YYYY-MM-DD') AS date, category, event_type, total_events,
             total_revenue::float8 AS total_revenue, unique_users, unique_sessions, conversion_rate,
             avg_order_value, top_products FROM mart.daily_aggregations`,
        )
      ).map((r) => ({ ...r, total_events: Number(r['total_events']) }));

    await writeSilverEvents(lake, INITIAL, 0);
    const first = await build();
    assert.equal(first.status, 'ok');
    const sent1 = await readAll(log, DAILY_AGGREGATIONS_TOPIC);
    const rows1 = await mart();
    assert.ok(rows1.length > 0);
    assert.equal(sent1.length, rows1.length, 'one record per mart row');
    const byKey = new Map(sent1.map((r) => [r.key!.toString(), JSON.parse(r.value.toString()) as unknown]));
    for (const row of rows1) {
      const key = dailyAggregationKey(row as DailyAggregationRecord);
      const got = byKey.get(key) as DailyAggregationRecord | undefined;
      assert.ok(got !== undefined, `record for ${key}`);
      assert.ok(
        Value.Check(DailyAggregationRecord, got),
        JSON.stringify([...Value.Errors(DailyAggregationRecord, got)]),
      );
      const { updated_at, ...value } = got;
      assert.ok(!Number.isNaN(Date.parse(updated_at)));
      assert.deepStrictEqual(value, row, key);
    }
    assert.ok(sent1.every((r) => r.headers?.['build_id'] === first.buildId));
    assert.equal(ensured, 1, 'the topic is ensured once per publisher');

    const unchanged = await build();
    assert.equal(unchanged.status, 'ok');
    assert.equal(
      (await readAll(log, DAILY_AGGREGATIONS_TOPIC)).length,
      sent1.length,
      'nothing changed: nothing sent',
    );

    // Late events change one day; the first attempt fails in the hook (before the mart commit),
    // so the day stays stale and the next build sends it: at-least-once, never skipped.
    await writeSilverEvents(lake, LATE, INITIAL.length);
    failNext = true;
    await assert.rejects(build(), /the broker is down/);
    const retried = await build();
    assert.equal(retried.status, 'ok');
    const all = await readAll(log, DAILY_AGGREGATIONS_TOPIC);
    const sent2 = all.filter((r) => r.headers?.['build_id'] !== first.buildId);
    assert.equal(all.length - sent2.length, sent1.length);
    const days = new Set(sent2.map((r) => r.headers?.['date']));
    assert.equal(days.size, 1, `only the day the late events touched: ${[...days].join(', ')}`);
    assert.ok(sent2.every((r) => r.headers?.['build_id'] === retried.buildId));
    const rows2 = (await mart()).filter((r) => days.has(String((r as Record<string, unknown>)['date'])));
    assert.equal(sent2.length, rows2.length);
  } finally {
    await log.close();
    await lake.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
});
