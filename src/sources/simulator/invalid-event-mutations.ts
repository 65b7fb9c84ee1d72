import type { ShopEvent } from '../../contract/event.js';
import type { Prng } from './prng.js';

/** The contract rule an injected invalid record breaks (a reference reason code, or not_json). */
export type BrokenRule =
  | 'missing_event_id'
  | 'invalid_event_type'
  | 'missing_user_id'
  | 'missing_session_id'
  | 'bad_ingest_time'
  | 'bad_event_time'
  | 'product_id_required_for_click_or_cart'
  | 'add_to_cart_requires_qty_price_currency'
  | 'purchase_requires_order_qty_price_currency'
  | 'not_json';

export const BROKEN_RULES: readonly BrokenRule[] = [
  'missing_event_id',
  'invalid_event_type',
  'missing_user_id',
  'missing_session_id',
  'bad_ingest_time',
  'bad_event_time',
  'product_id_required_for_click_or_cart',
  'add_to_cart_requires_qty_price_currency',
  'purchase_requires_order_qty_price_currency',
  'not_json',
];

export interface InvalidRecord {
  readonly rule: BrokenRule;
  readonly key: string | null;
  readonly line: string;
}

type Loose = Record<string, unknown>;

/** Ways a producer gets a value wrong: absent, null, or the wrong JSON type. */
const ABSENT = Symbol('absent');
const BAD_IDS = [ABSENT, null, 12345];
const BAD_TYPES = [ABSENT, null, 'purchased', 'CLICK', 'view_item', 7];
const BAD_TIMES = [
  ABSENT,
  null,
  'not-a-date',
  '2026-13-45T10:00:00.000Z',
  '2026-01-24T13:05:12',
  1769259912123,
  '',
];
const BAD_QUANTITIES = [null, 0, -2, '2', 1.5];
const BAD_PRICES = [null, -39.99, '39.99'];
const BAD_CURRENCIES = [null, 978];
const GARBAGE = [
  'GET /favicon.ico HTTP/1.1',
  '<html><body>502 Bad Gateway</body></html>',
  'null,null,click',
  '{"event_id":',
  '\ufffd\ufffdPNG binary upload',
];

/**
 * Breaks exactly one rule of the contract in a copy of `event` (the other fields stay valid) and
 * serialises it. Wrongly typed values (`"quantity":"2"`) count as breaking the rule they belong to.
 * The key is the user_id when it is still a string, else null.
 */
export function breakOneRule(event: ShopEvent, cleanLine: string, rng: Prng): InvalidRecord {
  const rule = rng.pick(BROKEN_RULES);
  if (rule === 'not_json') return { rule, key: null, line: garbage(cleanLine, rng) };
  const e: Loose = { ...event };
  MUTATIONS[rule](e, rng);
  const line = JSON.stringify(e, (_k, v: unknown) => (v === ABSENT ? undefined : v));
  return { rule, key: typeof e.user_id === 'string' ? e.user_id : null, line };
}

const MUTATIONS: Record<Exclude<BrokenRule, 'not_json'>, (e: Loose, rng: Prng) => void> = {
  missing_event_id: (e, rng) => void (e.event_id = rng.pick(BAD_IDS)),
  invalid_event_type: (e, rng) => void (e.event_type = rng.pick(BAD_TYPES)),
  missing_user_id: (e, rng) => void (e.user_id = rng.pick(BAD_IDS)),
  missing_session_id: (e, rng) => void (e.session_id = rng.pick(BAD_IDS)),
  bad_ingest_time: (e, rng) => void (e.ingest_time = rng.pick(BAD_TIMES)),
  bad_event_time: (e, rng) => void (e.event_time = rng.pick(BAD_TIMES)),
  product_id_required_for_click_or_cart: (e, rng) => {
    if (e.event_type !== 'add_to_cart') e.event_type = 'click';
    e.product_id = rng.pick([ABSENT, null, 123]);
  },
  add_to_cart_requires_qty_price_currency: (e, rng) => {
    asOrderLine(e, 'add_to_cart');
    breakLine(e, rng);
  },
  purchase_requires_order_qty_price_currency: (e, rng) => {
    asOrderLine(e, 'purchase');
    if (rng.chance(0.4)) e.order_id = rng.pick([ABSENT, null, 42]);
    else breakLine(e, rng);
  },
};

/** Makes `e` a well-formed line of `type` (product, quantity, price, currency, order) to break after. */
function asOrderLine(e: Loose, type: 'add_to_cart' | 'purchase'): void {
  if (e.event_type !== type) {
    e.event_type = type;
    e.product_id = typeof e.product_id === 'string' ? e.product_id : 'sku_00001';
    e.quantity = typeof e.quantity === 'number' ? e.quantity : 1;
    e.price = typeof e.price === 'number' ? e.price : 19.99;
    e.currency = typeof e.currency === 'string' ? e.currency : 'EUR';
    e.order_id = type === 'purchase' ? 'ord_bad0000000' : null;
  }
}

function breakLine(e: Loose, rng: Prng): void {
  const which = rng.int(3);
  if (which === 0) e.quantity = rng.pick(BAD_QUANTITIES);
  else if (which === 1) e.price = rng.pick(BAD_PRICES);
  else e.currency = rng.pick(BAD_CURRENCIES);
}

function garbage(cleanLine: string, rng: Prng): string {
  return rng.chance(0.4) ? cleanLine.slice(0, rng.between(1, cleanLine.length - 2)) : rng.pick(GARBAGE);
}
