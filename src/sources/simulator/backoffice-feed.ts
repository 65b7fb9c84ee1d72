import type { Catalog } from './catalog.js';
import { STORES } from './customer-profiles.js';
import type { DraftEvent } from './draft-event.js';
import { categorySlug, type EventFactory } from './event-factory.js';
import type { Prng } from './prng.js';
import { uuidV4 } from './uuid-v4.js';

/** Order lines remembered for refunds: the most recent `capacity` paid lines. */
export class OrderHistory {
  private readonly lines: DraftEvent[] = [];
  private next = 0;

  constructor(private readonly capacity: number) {}

  remember(line: DraftEvent): void {
    if (this.lines.length < this.capacity) this.lines.push(line);
    else this.lines[this.next] = line;
    this.next = (this.next + 1) % this.capacity;
  }

  pick(rng: Prng): DraftEvent | undefined {
    return this.lines.length === 0 ? undefined : this.lines[rng.int(this.lines.length)];
  }
}

/**
 * A refund of an earlier order line, issued by customer service in a session of its own: same
 * user, order_id, product, price and currency as the purchase, quantity 1..bought.
 */
export function refundEvent(paid: DraftEvent, timeMs: number, rng: Prng, events: EventFactory): DraftEvent {
  return {
    ...paid,
    event_id: uuidV4(rng),
    event_type: 'refund',
    event_time_ms: timeMs,
    ingest_time_ms: timeMs + events.ingestDelayMs(),
    session_id: uuidV4(rng),
    quantity: rng.between(1, paid.quantity ?? 1),
    page_url: paid.channel === 'store' ? null : 'https://backoffice.shop.example.com/refunds',
    referrer: null,
  };
}

/**
 * A stock change of one product, from the warehouse system (channel null) or a store's backoffice
 * (channel store, store_id set). user_id is the system account (`backoffice` or
 * `backoffice_store_NN`), stock_level the new level: restocks of 20..200 units or a count
 * correction of -5..+5. Best sellers are restocked most often.
 */
export function inventoryEvent(
  catalog: Catalog,
  timeMs: number,
  rng: Prng,
  events: EventFactory,
): DraftEvent {
  const product = catalog.sampleProduct(rng);
  const store = rng.chance(0.3) ? rng.pick(STORES) : null;
  const before = catalog.stock[product] as number;
  const after = Math.max(0, rng.chance(0.6) ? before + rng.between(20, 200) : before + rng.between(-5, 5));
  catalog.stock[product] = after;
  return {
    event_id: uuidV4(rng),
    event_type: 'inventory_update',
    event_time_ms: timeMs,
    ingest_time_ms: timeMs + events.ingestDelayMs(),
    user_id: store === null ? 'backoffice' : 'backoffice_' + store.id,
    session_id: uuidV4(rng),
    product_id: catalog.productIds[product] as string,
    quantity: null,
    price: null,
    currency: null,
    order_id: null,
    category: categorySlug(catalog, product),
    channel: store === null ? null : 'store',
    store_id: store?.id ?? null,
    page_url: null,
    referrer: null,
    user_agent: null,
    ip_address: null,
    country: store?.country ?? null,
    device: null,
    stock_level: after,
  };
}
