import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REFERENCE_FIELDS, REFERENCE_REASON_CODES, validateEvent, type ValidationResult } from './index.js';

const CART = {
  event_id: 'b2dc08f2-78f1-4b68-9d8e-20a4c4d1a930',
  event_version: 1,
  event_type: 'add_to_cart',
  event_time: '2026-01-24T13:06:01.005Z',
  ingest_time: '2026-01-24T13:06:01.120Z',
  user_id: 'user_0007',
  session_id: 'bd0c4c55',
  product_id: 'sku_00456',
  quantity: 2,
  price: 39.99,
  currency: 'EUR',
  order_id: 'o1',
  source: 'generator',
};
const GOOD_TIMES = new Set(['2026-01-24T13:05:12Z', '2026-01-24T13:05:12.5+01:00']);
const POOL: readonly unknown[] = [
  undefined,
  null,
  '',
  'x',
  0,
  -1,
  1,
  1.5,
  '2',
  true,
  {},
  [],
  2_147_483_648,
  'click',
  'add_to_cart',
  'checkout',
  'purchase',
  'refund',
  ...GOOD_TIMES,
  'not a time',
];

/** The reference contract, literally: its nine rules, non-strings/non-numbers count as null. */
function referenceOracle(e: Record<string, unknown>): string[] {
  const str = (v: unknown): boolean => typeof v === 'string';
  const time = (v: unknown): boolean =>
    typeof v === 'string' && (GOOD_TIMES.has(v) || v === CART.event_time || v === CART.ingest_time);
  const type = e.event_type;
  const qty =
    typeof e.quantity === 'number' &&
    Number.isInteger(e.quantity) &&
    e.quantity >= 1 &&
    e.quantity <= 2_147_483_647;
  const line = qty && typeof e.price === 'number' && e.price >= 0 && str(e.currency);
  const rules: [boolean, string][] = [
    [str(e.event_id), 'missing_event_id'],
    [['click', 'add_to_cart', 'checkout', 'purchase'].includes(type as string), 'invalid_event_type'],
    [str(e.user_id), 'missing_user_id'],
    [str(e.session_id), 'missing_session_id'],
    [time(e.ingest_time), 'bad_ingest_time'],
    [time(e.event_time), 'bad_event_time'],
    [
      !(type === 'click' || type === 'add_to_cart') || str(e.product_id),
      'product_id_required_for_click_or_cart',
    ],
    [type !== 'add_to_cart' || line, 'add_to_cart_requires_qty_price_currency'],
    [type !== 'purchase' || (str(e.order_id) && line), 'purchase_requires_order_qty_price_currency'],
  ];
  return rules.filter(([ok]) => !ok).map(([, code]) => code);
}

function* mutations(): Generator<Record<string, unknown>> {
  for (const type of ['click', 'add_to_cart', 'checkout', 'purchase']) {
    for (const a of REFERENCE_FIELDS) {
      for (const va of POOL) {
        yield mutate({ ...CART, event_type: type }, a, va);
        for (const b of ['quantity', 'price', 'currency', 'order_id', 'product_id', 'event_time']) {
          for (const vb of POOL) yield mutate(mutate({ ...CART, event_type: type }, a, va), b, vb);
        }
      }
    }
  }
}
function mutate(e: Record<string, unknown>, field: string, value: unknown): Record<string, unknown> {
  if (value === undefined) delete e[field];
  else e[field] = value;
  return e;
}
const reasonsOf = (r: ValidationResult): readonly string[] => (r.valid ? [] : r.reasons);

test('reference rules match the reference oracle exactly on ~60,000 mutated events', () => {
  const referenceCodes = new Set<string>(REFERENCE_REASON_CODES);
  let count = 0;
  for (const e of mutations()) {
    const expected = referenceOracle(e);
    assert.deepEqual(
      reasonsOf(validateEvent(e, { maxFutureMs: 1e15, referenceOnly: true })),
      expected,
      JSON.stringify(e),
    );
    const full = reasonsOf(validateEvent(e));
    // refund is a shopstream type: valid here, invalid_event_type for the reference.
    const comparable = (c: string): boolean =>
      referenceCodes.has(c) && !(c === 'invalid_event_type' && e.event_type === 'refund');
    assert.deepEqual(full.filter(comparable), expected.filter(comparable), JSON.stringify(e));
    count++;
  }
  assert.ok(count > 50_000, String(count));
});

test('a valid result is the input object itself, unmodified, with its unknown keys as drift', () => {
  const text = JSON.stringify({ ...CART, zeta: 1 }).replace(
    '{',
    '{"__proto__":{"polluted":1},"constructor":2,',
  );
  const input = JSON.parse(text) as Record<string, unknown>;
  const result = validateEvent(input);
  assert.ok(result.valid);
  assert.equal(result.event, input);
  assert.deepEqual(result.drift, ['__proto__', 'constructor', 'zeta']);
  assert.equal(JSON.stringify(input), text);
  assert.equal(result.eventTimeMs, Date.parse(CART.event_time));
  assert.equal(result.ingestTimeMs, Date.parse(CART.ingest_time));
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('never throws: non-objects, exotic objects, throwing getters, revoked proxies', () => {
  const revocable = Proxy.revocable({}, {});
  revocable.revoke();
  const throwing = Object.defineProperty({}, 'event_id', {
    enumerable: true,
    get: () => {
      throw new Error('boom');
    },
  });
  const inputs: unknown[] = [
    undefined,
    null,
    0,
    NaN,
    'x',
    true,
    Symbol('s'),
    10n,
    [],
    [CART],
    new Date(),
    new Map(),
    () => 1,
    throwing,
    revocable.proxy,
    Object.create(null),
  ];
  for (const input of inputs) {
    const result = validateEvent(input);
    assert.equal(result.valid, false);
  }
});

test('limits are options: maxFutureMs, maxIdChars, maxTextChars', () => {
  const future = { ...CART, event_time: '2026-01-24T14:06:01.120Z' };
  assert.deepEqual(reasonsOf(validateEvent(future, { maxFutureMs: 3_600_000 })), []);
  assert.deepEqual(reasonsOf(validateEvent(future, { maxFutureMs: 3_599_999 })), ['event_time_in_future']);
  assert.deepEqual(
    reasonsOf(validateEvent({ ...CART, user_id: 'u'.repeat(11) }, { maxFutureMs: 0, maxIdChars: 10 })),
    ['value_too_long'],
  );
  assert.deepEqual(
    reasonsOf(validateEvent({ ...CART, page_url: 'p'.repeat(11) }, { maxFutureMs: 0, maxTextChars: 10 })),
    ['value_too_long'],
  );
  assert.deepEqual(
    reasonsOf(validateEvent({ ...CART, page_url: 'p'.repeat(10) }, { maxFutureMs: 0, maxTextChars: 10 })),
    [],
  );
});
