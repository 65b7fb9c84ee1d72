/**
 * The hand-built data set of the mart golden tests (docs/marts.md, "Golden data set"): three days
 * of Silver (2026-03-02..04), late events that arrive after a first build, refunds, a returning
 * customer whose first order is imported history and whose country changes, a session across
 * midnight, a store order, and an imported order (o5) that is also streamed.
 */
import type { ShopEvent } from '../../../contract/event.js';
import type { Lake, SilverRow } from '../../../lake/index.js';

type Extra = Partial<ShopEvent>;
let seq = 0;

function ev(
  type: ShopEvent['event_type'],
  time: string,
  user: string,
  session: string,
  extra: Extra = {},
): ShopEvent {
  seq++;
  return {
    event_id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    event_version: 1,
    event_type: type,
    event_time: time,
    ingest_time: time,
    user_id: user,
    session_id: session,
    product_id: null,
    quantity: null,
    price: null,
    currency: null,
    order_id: null,
    source: 'golden',
    category: null,
    channel: 'web',
    store_id: null,
    page_url: null,
    country: null,
    device: 'desktop',
    ...extra,
  };
}

const A = { country: 'DE' };
const shoes = (extra: Extra = {}): Extra => ({
  product_id: 'pA',
  category: 'shoes',
  page_url: '/p/pA',
  ...extra,
});
const bags = (extra: Extra = {}): Extra => ({
  product_id: 'pB',
  category: 'bags',
  page_url: '/p/pB',
  ...extra,
});
const phone = (extra: Extra = {}): Extra => ({ product_id: 'pC', category: 'electronics', ...extra });
const line = (order: string, quantity: number, price: number): Extra => ({
  order_id: order,
  quantity,
  price,
  currency: 'EUR',
});
const appB: Extra = { channel: 'app', device: 'mobile', country: 'NL' };

/** Silver as the processor first wrote it. */
export const INITIAL: readonly ShopEvent[] = [
  ev('page_view', '2026-03-02T10:00:00.000Z', 'uA', 'sA1', { ...A, page_url: '/home' }),
  ev('click', '2026-03-02T10:01:00.000Z', 'uA', 'sA1', shoes(A)),
  ev(
    'add_to_cart',
    '2026-03-02T10:02:00.000Z',
    'uA',
    'sA1',
    shoes({ ...A, quantity: 2, price: 10, currency: 'EUR' }),
  ),
  ev('click', '2026-03-02T10:03:00.000Z', 'uA', 'sA1', bags(A)),
  ev(
    'add_to_cart',
    '2026-03-02T10:04:00.000Z',
    'uA',
    'sA1',
    bags({ ...A, quantity: 1, price: 5.5, currency: 'EUR' }),
  ),
  ev('checkout', '2026-03-02T10:05:00.000Z', 'uA', 'sA1', A),
  ev('purchase', '2026-03-02T10:06:00.000Z', 'uA', 'sA1', shoes({ ...A, ...line('o1', 2, 10) })),
  ev('purchase', '2026-03-02T10:06:00.500Z', 'uA', 'sA1', bags({ ...A, ...line('o1', 1, 5.5) })),
  ev('click', '2026-03-02T10:46:30.000Z', 'uA', 'sA1', bags(A)),
  ev('page_view', '2026-03-02T23:50:00.000Z', 'uB', 'sB1', { ...appB, page_url: '/app/home' }),
  ev('click', '2026-03-02T23:55:00.000Z', 'uB', 'sB1', phone(appB)),
  ev(
    'add_to_cart',
    '2026-03-03T00:10:00.000Z',
    'uB',
    'sB1',
    phone({ ...appB, quantity: 1, price: 100, currency: 'EUR' }),
  ),
  ev('checkout', '2026-03-03T00:12:00.000Z', 'uB', 'sB1', appB),
  ev('purchase', '2026-03-03T00:13:00.000Z', 'uB', 'sB1', phone({ ...appB, ...line('o3', 1, 100) })),
  ev(
    'refund',
    '2026-03-03T09:00:00.000Z',
    'uA',
    'sR1',
    shoes({ ...A, ...line('o1', 1, 10), page_url: null }),
  ),
  ev('click', '2026-03-03T12:00:00.000Z', 'uC', 'sC1', shoes({ country: 'IT' })),
  ev('purchase', '2026-03-03T12:01:00.000Z', 'uC', 'sC1', shoes({ country: 'IT', ...line('o5', 1, 10) })),
  ev('click', '2026-03-04T08:00:00.000Z', 'uA', 'sA2', shoes({ country: 'FR' })),
  ev('purchase', '2026-03-04T08:02:00.000Z', 'uA', 'sA2', shoes({ country: 'FR', ...line('o2', 1, 12) })),
  ev('refund', '2026-03-04T15:00:00.000Z', 'uB', 'sR2', phone({ ...appB, ...line('o3', 1, 100) })),
  ev('purchase', '2026-03-04T16:00:00.000Z', 'uD', 'sD1', {
    ...bags({ page_url: null }),
    ...line('o6', 3, 5.5),
    channel: 'store',
    store_id: 'store_01',
    device: 'pos',
    country: 'DE',
  }),
  ev('inventory_update', '2026-03-04T17:00:00.000Z', 'backoffice', 'sI1', {
    ...phone(),
    channel: null,
    device: null,
    stock_level: 10,
  }),
];

/** Late events, written in a later file: a click bridging sA1's 40-minute gap, and a late order o7. */
export const LATE: readonly ShopEvent[] = [
  ev('click', '2026-03-02T10:30:00.000Z', 'uA', 'sA1', shoes(A)),
  ev(
    'purchase',
    '2026-03-02T14:00:00.000Z',
    'uE',
    'sE1',
    bags({ country: 'ES', page_url: null, ...line('o7', 2, 5.5) }),
  ),
];

/** Writes events as one Silver file starting at log offset `fromOffset` of partition 0. */
export async function writeSilverEvents(
  lake: Lake,
  events: readonly ShopEvent[],
  fromOffset: number,
): Promise<void> {
  const rows: SilverRow[] = events.map((event, i) => ({
    event,
    eventTimeMs: Date.parse(event.event_time),
    ingestTimeMs: Date.parse(event.ingest_time),
    driftJson: null,
    topic: 'ecom.events.raw.v1',
    partition: 0,
    offset: fromOffset + i,
  }));
  await lake.writeSilver(rows, {
    topic: 'ecom.events.raw.v1',
    partition: 0,
    fromOffset,
    toOffset: fromOffset + rows.length - 1,
  });
}

/** The imported history, as CSV files (header + rows) for `import customers|products|orders`. */
export const IMPORT_CSV = {
  customers: 'customer_id,country,created_at\nuA,DE,2026-01-15T00:00:00Z\nuF,SE,2026-02-01T00:00:00Z\n',
  products:
    'product_id,name,category,price,currency,created_at\npA,Runner,shoes,10.00,EUR,2026-01-01T00:00:00Z\npZ,Old hat,hats,7,EUR,2026-01-01T00:00:00Z\n',
  orders:
    'order_id,customer_id,order_time,product_id,quantity,price,currency,channel\n' +
    'o4,uA,2026-02-20T09:00:00Z,pZ,1,7.00,EUR,web\n' +
    'o5,uC,2026-03-03T11:00:00Z,pA,3,9.00,EUR,web\n',
};
