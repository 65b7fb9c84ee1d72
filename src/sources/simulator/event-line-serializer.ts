import type { ShopEvent } from '../../contract/event.js';
import { SIMULATOR_SOURCE, type DraftEvent } from './draft-event.js';
import { IsoTimeFormatter } from './iso-time-formatter.js';

/**
 * Serialises a DraftEvent to one NDJSON line (no trailing newline), fields in the order of the
 * contract; equal to `JSON.stringify(toShopEvent(d))`. Measured (docs/simulator.md): JSON.stringify
 * of a fresh object literal is ~2x faster than a hand-written `+` concatenation (which builds a
 * ~45-piece rope to flatten and collect) and on par with writing bytes into a Buffer, so the
 * simple, always-correctly-escaped form wins. The gain of this class is the cached ISO prefix.
 */
export class EventLineSerializer {
  private readonly eventTime = new IsoTimeFormatter();
  private readonly ingestTime = new IsoTimeFormatter();

  serialize(d: DraftEvent): string {
    const e: ShopEvent = {
      event_id: d.event_id,
      event_version: 1,
      event_type: d.event_type,
      event_time: this.eventTime.format(d.event_time_ms),
      ingest_time: this.ingestTime.format(d.ingest_time_ms),
      user_id: d.user_id,
      session_id: d.session_id,
      product_id: d.product_id,
      quantity: d.quantity,
      price: d.price,
      currency: d.currency,
      order_id: d.order_id,
      source: SIMULATOR_SOURCE,
      category: d.category,
      channel: d.channel,
      store_id: d.store_id,
      page_url: d.page_url,
      referrer: d.referrer,
      user_agent: d.user_agent,
      ip_address: d.ip_address,
      country: d.country,
      device: d.device,
      stock_level: d.stock_level,
    };
    return JSON.stringify(e);
  }
}
