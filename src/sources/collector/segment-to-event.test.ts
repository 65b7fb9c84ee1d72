import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateEvent } from '../../contract/index.js';
import { mergeBatchLevel } from './segment-message.js';
import { segmentToEvent } from './segment-to-event.js';

const receivedAtMs = Date.parse('2026-01-24T13:05:00.000Z');
const ctx = { receivedAtMs, source: 'shop-web', newId: () => 'generated-id' };
const map = (msg: Record<string, unknown>) => segmentToEvent(msg, ctx);

test('the e-commerce spec v2 table, and unknown track events keep their name (quarantined by the processor)', () => {
  const cases: Array<[string, unknown]> = [
    ['Product Clicked', 'click'],
    ['Product Added', 'add_to_cart'],
    ['Product Removed', 'remove_from_cart'],
    ['Checkout Started', 'checkout'],
    ['Order Completed', 'purchase'],
    ['Order Refunded', 'refund'],
    ['Signed Up', 'Signed Up'],
  ];
  for (const [event, type] of cases) assert.equal(map({ type: 'track', event })['event_type'], type, event);
  assert.equal(map({ type: 'page' })['event_type'], 'page_view');
  assert.equal(map({ type: 'screen' })['channel'], 'app');
});

test('order revenue: revenue, else total, else the sum of product lines (quantity defaults to 1); one purchase per order', () => {
  const products = [
    { product_id: 'a', price: 10, quantity: 3 },
    { sku: 'b', price: '2.5' },
  ];
  const base = {
    type: 'track',
    event: 'Order Completed',
    userId: 'u',
    properties: { order_id: 'o1', products },
  };
  assert.equal(map({ ...base, properties: { ...base.properties, revenue: 99, total: 120 } })['price'], 99);
  assert.equal(map({ ...base, properties: { ...base.properties, total: 120 } })['price'], 120);
  const summed = map(base);
  assert.deepEqual(
    [summed['price'], summed['quantity'], summed['currency'], summed['order_id'], summed['product_id']],
    [32.5, 1, 'USD', 'o1', null],
  );
  assert.equal((summed['products'] as unknown[]).length, 2);
  assert.equal(
    map({ ...base, properties: { order_id: 'o2' } })['price'],
    null,
    'no amount at all: left to quarantine',
  );
});

test('event time: timestamp; else originalTimestamp corrected by the sentAt skew; else receivedAt; garbage passes through', () => {
  assert.equal(map({ timestamp: '2026-01-24T14:00:00+01:00' })['event_time'], '2026-01-24T13:00:00.000Z');
  // The device clock is 10 s behind: sentAt 13:04:50 arrived at 13:05:00.
  assert.equal(
    map({ originalTimestamp: '2026-01-24T13:04:40.000Z', sentAt: '2026-01-24T13:04:50.000Z' })['event_time'],
    '2026-01-24T13:04:50.000Z',
  );
  assert.equal(map({})['event_time'], '2026-01-24T13:05:00.000Z');
  assert.equal(map({ timestamp: 'yesterday' })['event_time'], 'yesterday');
});

test('ids and session: messageId is event_id, userId else anonymousId, a stable derived session', () => {
  const e = map({
    type: 'track',
    event: 'Product Clicked',
    messageId: 'm1',
    anonymousId: 'anon',
    timestamp: '2026-01-24T10:00:00Z',
    properties: { product_id: 7 },
  });
  assert.deepEqual(
    [e['event_id'], e['user_id'], e['session_id'], e['product_id'], e['source']],
    ['m1', 'anon', 'anon:2026-01-24', '7', 'shop-web'],
  );
  assert.equal(map({ userId: 'u', anonymousId: 'a', context: { sessionId: 123 } })['session_id'], '123');
  assert.equal(map({})['event_id'], 'generated-id');
});

test('a well-formed spec message maps to a valid contract-v1 event (drift: products and segment only)', () => {
  const msg = {
    type: 'track',
    event: 'Product Added',
    messageId: 'm2',
    userId: 'u',
    timestamp: '2026-01-24T13:00:00Z',
    properties: { product_id: 'p', price: 9.5, currency: 'eur' },
  };
  const verdict = validateEvent(map(msg), { maxFutureMs: 86_400_000 });
  assert.ok(verdict.valid, JSON.stringify(verdict));
  if (verdict.valid) assert.deepEqual(verdict.drift, ['segment']);
  assert.equal(map(msg)['quantity'], 1, 'Product Added without quantity is one unit');
});

test('batch-level context and integrations are merged under the item (the item wins), sentAt inherited', () => {
  const merged = mergeBatchLevel(
    { context: { ip: '1.1.1.1' } },
    { context: { ip: '2.2.2.2', locale: 'fr' }, integrations: { All: false }, sentAt: 'x' },
  );
  assert.deepEqual(merged, {
    context: { ip: '1.1.1.1', locale: 'fr' },
    integrations: { All: false },
    sentAt: 'x',
  });
});
