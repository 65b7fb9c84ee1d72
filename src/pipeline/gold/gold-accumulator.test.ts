import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ShopEvent } from '../../contract/event.js';
import { GoldAccumulator } from './gold-accumulator.js';

const base: ShopEvent = {
  event_id: 'e',
  event_version: 1,
  event_type: 'click',
  event_time: '',
  ingest_time: '',
  user_id: 'u',
  session_id: 's',
  product_id: 'p1',
  quantity: null,
  price: null,
  currency: null,
  order_id: null,
  source: 't',
};
const T0 = Date.UTC(2026, 0, 1, 10, 0, 0);

test('counters per window, dimension and product add up exactly', () => {
  const acc = new GoldAccumulator();
  acc.add({ ...base, channel: 'web', category: 'shoes' }, T0 + 59_999, 0, 1);
  acc.add(
    {
      ...base,
      event_type: 'purchase',
      quantity: 3,
      price: 5.5,
      currency: 'EUR',
      order_id: 'o1',
      channel: 'web',
      store_id: 's1',
    },
    T0 + 60_000,
    0,
    2,
  );
  acc.add(
    { ...base, event_type: 'refund', quantity: 1, price: 2, order_id: 'o0', product_id: null },
    T0 + 60_001,
    0,
    3,
  );
  const counters = new Map(acc.counterDeltas().map((c) => [`${c.windowStartMs - T0} ${c.counter}`, c.delta]));
  assert.deepEqual(Object.fromEntries(counters), {
    '0 events_total': 1,
    '0 events_click': 1,
    '60000 events_total': 2,
    '60000 events_purchase': 1,
    '60000 revenue': 16.5,
    '60000 units_purchased': 3,
    '60000 events_refund': 1,
    '60000 refund_amount': 2,
  });
  const dims = acc
    .dimCounterDeltas()
    .map((d) => `${d.windowStartMs - T0} ${d.dimension}=${d.dimValue} ${d.counter} ${d.delta}`)
    .sort();
  assert.deepEqual(dims, [
    '0 category=shoes events_click 1',
    '0 category=shoes events_total 1',
    '0 channel=web events_click 1',
    '0 channel=web events_total 1',
    '60000 channel=web events_purchase 1',
    '60000 channel=web events_total 1',
    '60000 channel=web revenue 16.5',
    '60000 store=s1 events_purchase 1',
    '60000 store=s1 events_total 1',
    '60000 store=s1 revenue 16.5',
  ]);
  const products = acc
    .productDeltas()
    .map((p) => [p.windowStartMs - T0, p.productId, p.clicks, p.units, p.revenue]);
  assert.deepEqual(products, [
    [0, 'p1', 1, 0, 0],
    [60_000, 'p1', 0, 3, 16.5],
  ]);
  assert.equal(acc.orders().length, 1);
  assert.equal(acc.orders()[0]!.orderId, 'o1');
});
