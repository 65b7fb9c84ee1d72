import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EVENT_TYPES } from '../../contract/index.js';
import { toShopEvent } from './draft-event.js';
import { EventLineSerializer } from './event-line-serializer.js';
import { TrafficGenerator } from './traffic-generator.js';
import { TrafficShape } from './traffic-shape.js';

test('the serializer writes JSON.stringify(toShopEvent(d)) in contract field order, for every event type', () => {
  const shape = new TrafficShape('flat', { kind: 'none', startMs: 0, endMs: 0, spikeFactor: 1 });
  const traffic = new TrafficGenerator({
    seed: 8,
    products: 500,
    customers: 2_000,
    ratePerSec: 100,
    startTimeMs: Date.UTC(2026, 0, 5),
    shape,
  });
  const serializer = new EventLineSerializer();
  const seen = new Set<string>();
  for (let i = 0; i < 30_000; i++) {
    const d = traffic.next();
    const line = serializer.serialize(d);
    assert.equal(line, JSON.stringify(toShopEvent(d)));
    seen.add(d.event_type);
  }
  assert.deepEqual([...seen].sort(), [...EVENT_TYPES].sort());
  const first = serializer.serialize(traffic.next());
  assert.deepEqual(Object.keys(JSON.parse(first) as object).slice(0, 13), [
    'event_id',
    'event_version',
    'event_type',
    'event_time',
    'ingest_time',
    'user_id',
    'session_id',
    'product_id',
    'quantity',
    'price',
    'currency',
    'order_id',
    'source',
  ]);
});
