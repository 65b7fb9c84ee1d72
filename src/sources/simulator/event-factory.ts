import type { EventType } from '../../contract/event.js';
import { CATEGORIES, type Catalog } from './catalog.js';
import type { DraftEvent } from './draft-event.js';
import type { Prng } from './prng.js';
import type { ShoppingSession } from './shopping-session.js';
import { uuidV4 } from './uuid-v4.js';

/**
 * Builds DraftEvents. ingest_time = event_time + a producer delay of 5..500 ms (5 ms + an
 * exponential with mean 60 ms, capped), the time a client needs to batch and send.
 */
export class EventFactory {
  constructor(
    private readonly rng: Prng,
    private readonly catalog: Catalog,
  ) {}

  ingestDelayMs(): number {
    return 5 + Math.min(495, Math.floor(this.rng.exponential(60)));
  }

  /** An event of `s` with no product fields; page_url = pageBase + path (null in store). */
  sessionEvent(s: ShoppingSession, type: EventType, timeMs: number, path: string): DraftEvent {
    return {
      event_id: uuidV4(this.rng),
      event_type: type,
      event_time_ms: timeMs,
      ingest_time_ms: timeMs + this.ingestDelayMs(),
      user_id: s.customer.userId,
      session_id: s.sessionId,
      product_id: null,
      quantity: null,
      price: null,
      currency: null,
      order_id: null,
      category: null,
      channel: s.channel,
      store_id: s.storeId,
      page_url: s.pageBase === null ? null : s.pageBase + path,
      referrer: null,
      user_agent: s.userAgent,
      ip_address: s.ipAddress,
      country: s.country,
      device: s.device,
      stock_level: null,
    };
  }

  /** A product-level event: product_id and category set, page_url = the product page. */
  productEvent(
    s: ShoppingSession,
    type: EventType,
    timeMs: number,
    product: number,
    path?: string,
  ): DraftEvent {
    const productId = this.catalog.productIds[product] as string;
    const e = this.sessionEvent(s, type, timeMs, path ?? 'p/' + productId);
    e.product_id = productId;
    e.category = categorySlug(this.catalog, product);
    return e;
  }

  /** Unit price of `product` in the session currency, rounded to cents. */
  localPrice(s: ShoppingSession, product: number): number {
    const eur = this.catalog.priceEur[product] as number;
    return s.fxPerEur === 1 ? eur : Math.round(eur * s.fxPerEur * 100) / 100;
  }
}

export function categorySlug(catalog: Catalog, product: number): string {
  return (CATEGORIES[catalog.categoryOf[product] as number] as (typeof CATEGORIES)[number]).slug;
}
