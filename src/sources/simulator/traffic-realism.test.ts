import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ShopEvent } from '../../contract/index.js';
import { CATEGORIES } from './catalog.js';
import { createSimulator, DEFAULT_SIMULATOR_OPTIONS, type SimulatorOptions } from './index.js';
import { seasonalFactor } from './traffic-shape.js';

const START_MS = Date.UTC(2026, 0, 5, 12);
const MINUTE_MS = 60_000;

function events(overrides: Partial<SimulatorOptions>): ShopEvent[] {
  const sim = createSimulator({ ...DEFAULT_SIMULATOR_OPTIONS, startTimeMs: START_MS, ...overrides });
  const out: ShopEvent[] = [];
  while (!sim.done()) for (const r of sim.nextBatch(5_000)) out.push(JSON.parse(r.line) as ShopEvent);
  return out;
}

const countBy = <T>(items: readonly T[], key: (item: T) => string | null | undefined) => {
  const counts = new Map<string, number>();
  for (const item of items) {
    const k = key(item) ?? 'null';
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
};

const sample = events({ seed: 21, count: 60_000, trafficShape: 'flat' });

test('the funnel narrows: purchases <= checkouts <= carts <= clicks, with realistic session conversion', () => {
  const byType = countBy(sample, (e) => e.event_type);
  const n = (t: string) => byType.get(t) ?? 0;
  assert.ok(
    n('purchase') > 0 && n('purchase') <= n('checkout'),
    `purchase ${n('purchase')} checkout ${n('checkout')}`,
  );
  assert.ok(n('checkout') <= n('add_to_cart') && n('add_to_cart') <= n('click'));
  for (const t of ['page_view', 'remove_from_cart', 'wishlist_add', 'refund', 'inventory_update'])
    assert.ok(n(t) > 0, t);
  const midTime = sample[Math.floor(sample.length / 2)]?.event_time ?? '';
  const visits = new Map<string, { first: ShopEvent; bought: boolean }>();
  for (const e of sample) {
    const v = visits.get(e.session_id) ?? { first: e, bought: false };
    v.bought ||= e.event_type === 'purchase';
    visits.set(e.session_id, v);
  }
  const whole = [...visits.values()].filter(
    (v) => v.first.event_type === 'page_view' && v.first.event_time < midTime,
  );
  const conversion = whole.filter((v) => v.bought).length / whole.length;
  assert.ok(conversion > 0.015 && conversion < 0.07, `session conversion ${conversion}`);
});

test('purchases carry order lines: order_id, quantity >= 1, price >= 0, currency; multi-item orders exist', () => {
  const purchases = sample.filter((e) => e.event_type === 'purchase');
  for (const p of purchases) {
    assert.match(p.order_id ?? '', /^ord_[0-9a-f]{10}$/);
    assert.ok(Number.isInteger(p.quantity) && (p.quantity as number) >= 1);
    assert.ok(typeof p.price === 'number' && p.price >= 0);
    assert.ok(['EUR', 'USD', 'GBP'].includes(p.currency ?? ''));
  }
  const lines = countBy(purchases, (p) => p.order_id);
  assert.ok(
    [...lines.values()].some((n) => n >= 2),
    'some order has several lines',
  );
  const byOrder = new Map<string, Set<string>>();
  for (const p of purchases)
    byOrder.set(
      p.order_id as string,
      (byOrder.get(p.order_id as string) ?? new Set()).add(`${p.user_id}|${p.event_time}|${p.currency}`),
    );
  assert.ok(
    [...byOrder.values()].every((s) => s.size === 1),
    'lines of one order share user, time and currency',
  );
  const currencies = countBy(purchases, (p) => p.currency);
  assert.ok(
    (currencies.get('EUR') ?? 0) > purchases.length * 0.6 && currencies.has('USD') && currencies.has('GBP'),
  );
});

test('catalog, customers and channels look like a shop', () => {
  const products = sample.filter((e) => e.event_type === 'click');
  const clicks = [...countBy(products, (e) => e.product_id).values()].sort((a, b) => b - a);
  const top20 = clicks.slice(0, 20).reduce((s, n) => s + n, 0);
  assert.ok(top20 > products.length * 0.15, 'a few best sellers take a large share of clicks (Zipf)');
  assert.ok(clicks.length > 500, 'the long tail is visited too');
  assert.equal(countBy(products, (e) => e.category).size, CATEGORIES.length);
  for (const e of sample) {
    assert.match(e.event_id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    if (e.event_type !== 'inventory_update') assert.match(e.user_id, /^user_\d{6,}$/);
    if (e.product_id !== null) assert.match(e.product_id, /^sku_\d{5}$/);
  }
  const channels = countBy(sample, (e) => e.channel);
  assert.ok(
    (channels.get('web') ?? 0) > (channels.get('app') ?? 0) * 0.5 && (channels.get('store') ?? 0) > 0,
  );
  const store = sample.filter((e) => e.channel === 'store');
  assert.ok(store.every((e) => e.store_id?.startsWith('store_') === true && e.page_url === null));
  assert.ok(countBy(store, (e) => e.store_id).size >= 4, 'several stores');
  const visitsPerUser = [...countBy(sample, (e) => e.user_id).values()];
  assert.ok(Math.max(...visitsPerUser) > 20, 'returning customers come back');
});

test('inventory updates and refunds come from the backoffice with their required fields', () => {
  const inventory = sample.filter((e) => e.event_type === 'inventory_update');
  assert.ok(inventory.length > 50);
  assert.ok(
    inventory.every(
      (e) => e.user_id.startsWith('backoffice') && Number.isInteger(e.stock_level) && e.product_id !== null,
    ),
  );
  const paid = new Set(sample.filter((e) => e.event_type === 'purchase').map((e) => e.order_id));
  const refunds = sample.filter((e) => e.event_type === 'refund');
  assert.ok(
    refunds.length > 0 &&
      refunds.every((r) => r.order_id !== null && r.quantity !== null && r.price !== null),
  );
  assert.ok(
    refunds.filter((r) => paid.has(r.order_id)).length > refunds.length * 0.5,
    'refunds point at earlier orders',
  );
});

function perMinute(list: readonly ShopEvent[], type?: string): number[] {
  const counts: number[] = [];
  for (const e of list) {
    if (type !== undefined && e.event_type !== type) continue;
    const minute = Math.floor((Date.parse(e.event_time) - START_MS) / MINUTE_MS);
    counts[minute] = (counts[minute] ?? 0) + 1;
  }
  return Array.from(counts, (n) => n ?? 0);
}

const mean = (xs: readonly number[]) => xs.reduce((s, n) => s + n, 0) / xs.length;

test('spike scenario: traffic x spikeFactor inside the window, back after it', () => {
  const spike = {
    scenario: 'spike',
    scenarioStartSec: 300,
    scenarioDurationSec: 300,
    spikeFactor: 5,
  } as const;
  const minutes = perMinute(
    events({ seed: 1, durationSec: 900, ratePerSec: 20, trafficShape: 'flat', ...spike }),
  );
  const before = mean(minutes.slice(0, 5));
  const during = mean(minutes.slice(5, 10));
  const after = mean(minutes.slice(10, 15));
  assert.ok(during > before * 4 && during < before * 6, `before ${before}/min, during ${during}/min`);
  assert.ok(Math.abs(after - before) < before * 0.2, `after ${after}/min`);
});

test('drop scenario: no purchase inside the window, purchases before and after', () => {
  const drop = { scenario: 'drop', scenarioStartSec: 600, scenarioDurationSec: 600 } as const;
  const list = events({ seed: 1, durationSec: 1800, ratePerSec: 25, trafficShape: 'flat', ...drop });
  const purchases = perMinute(list, 'purchase');
  const all = perMinute(list);
  assert.ok(mean(purchases.slice(0, 10)) > 5);
  assert.deepEqual(purchases.slice(10, 20), Array(10).fill(0));
  assert.ok(mean(purchases.slice(21, 30)) > 5);
  assert.ok(
    Math.abs(mean(all.slice(10, 20)) - mean(all.slice(0, 10))) < mean(all.slice(0, 10)) * 0.15,
    'traffic itself continues',
  );
});

test('the weekly shape averages 1, peaks in the evening, dips at night and lifts weekends', () => {
  let sum = 0;
  const week = 7 * 24;
  for (let h = 0; h < week; h++) sum += seasonalFactor(START_MS + h * 3_600_000 + 1_800_000);
  assert.ok(Math.abs(sum / week - 1) < 0.02, `weekly mean ${sum / week}`);
  const monday = Date.UTC(2026, 0, 5);
  const saturday = Date.UTC(2026, 0, 10);
  assert.ok(seasonalFactor(monday + 20 * 3_600_000) > 3 * seasonalFactor(monday + 4 * 3_600_000));
  assert.ok(seasonalFactor(saturday + 14 * 3_600_000) > seasonalFactor(monday + 14 * 3_600_000));
  const night = events({
    seed: 3,
    durationSec: 600,
    ratePerSec: 20,
    startTimeMs: monday + 3 * 3_600_000,
  }).length;
  const evening = events({
    seed: 3,
    durationSec: 600,
    ratePerSec: 20,
    startTimeMs: monday + 20 * 3_600_000,
  }).length;
  assert.ok(evening > night * 3, `evening ${evening} vs night ${night}`);
});
