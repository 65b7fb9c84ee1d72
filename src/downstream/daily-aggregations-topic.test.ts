import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Value } from '@sinclair/typebox/value';
import { openEmbeddedLog } from '../log/embedded/index.js';
import { readAll } from '../log/testing/read-all.js';
import {
  DAILY_AGGREGATIONS_TOPIC,
  DailyAggregationRecord,
  publishDailyAggregations,
  type DailyAggregationRecord as Row,
} from './daily-aggregations-topic.js';

const row = (date: string, category: string, event_type: string): Row => ({
  date,
  category,
  event_type,
  total_events: 10,
  total_revenue: 99.5,
  unique_users: 4,
  unique_sessions: 5,
  conversion_rate: 0.2,
  avg_order_value: 49.75,
  top_products: [{ product_id: 'p1', events: 2, revenue: 60 }],
  updated_at: '2026-01-25T01:00:00.000Z',
});

test('a day of daily_aggregations rows lands keyed by the mart key, one partition per day, schema-valid', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'shopstream-daily-topic-'));
  const log = await openEmbeddedLog({
    dir,
    mode: 'write',
    fsync: 'never',
    fsyncIntervalMs: 100,
    segmentBytes: 1 << 20,
    maxRecordBytes: 1 << 20,
  });
  try {
    await log.ensureTopic({ name: DAILY_AGGREGATIONS_TOPIC, partitions: 4 });
    const rows = [
      row('2026-01-24', 'shoes', 'purchase'),
      row('2026-01-24', 'bags', 'click'),
      row('2026-01-25', 'shoes', 'click'),
    ];
    assert.equal(await publishDailyAggregations(log, rows, { buildId: 'b-1', partitions: 4 }), 3);
    const got = await readAll(log, DAILY_AGGREGATIONS_TOPIC);
    assert.deepEqual(got.map((r) => r.key?.toString()).sort(), [
      '2026-01-24|bags|click',
      '2026-01-24|shoes|purchase',
      '2026-01-25|shoes|click',
    ]);
    const byDay = new Map(got.map((r) => [r.headers?.['date'], r.partition]));
    assert.equal(
      new Set(got.filter((r) => r.headers?.['date'] === '2026-01-24').map((r) => r.partition)).size,
      1,
    );
    assert.notEqual(byDay.get('2026-01-24'), byDay.get('2026-01-25'));
    for (const r of got) {
      assert.equal(r.headers?.['build_id'], 'b-1');
      assert.ok(Value.Check(DailyAggregationRecord, JSON.parse(r.value.toString())));
    }
    assert.ok(
      !Value.Check(DailyAggregationRecord, { ...rows[0], date: '24/01/2026' }),
      'the schema can fail',
    );
    assert.equal(await publishDailyAggregations(log, [], { buildId: 'b-2', partitions: 4 }), 0);
  } finally {
    await log.close();
    await rm(dir, { recursive: true, force: true });
  }
});
