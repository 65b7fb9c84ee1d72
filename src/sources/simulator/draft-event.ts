import type { Channel, EventType, ShopEvent } from '../../contract/event.js';
import { formatIsoMs } from './iso-time-formatter.js';

/**
 * A generated event before serialisation: the wire fields of `ShopEvent` (same names, same
 * order) with the two timestamps still as epoch milliseconds. Every string it holds is made of
 * characters that need no JSON escaping (ids, slugs, URLs and agents from fixed tables); the
 * hand-written serializer relies on that.
 */
export interface DraftEvent {
  event_id: string;
  event_type: EventType;
  event_time_ms: number;
  ingest_time_ms: number;
  user_id: string;
  session_id: string;
  product_id: string | null;
  quantity: number | null;
  price: number | null;
  currency: string | null;
  order_id: string | null;
  category: string | null;
  channel: Channel | null;
  store_id: string | null;
  page_url: string | null;
  referrer: string | null;
  user_agent: string | null;
  ip_address: string | null;
  country: string | null;
  device: string | null;
  stock_level: number | null;
}

/** The producer name written in `source`. */
export const SIMULATOR_SOURCE = 'generator';

export function toShopEvent(d: DraftEvent): ShopEvent {
  return {
    event_id: d.event_id,
    event_version: 1,
    event_type: d.event_type,
    event_time: formatIsoMs(d.event_time_ms),
    ingest_time: formatIsoMs(d.ingest_time_ms),
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
}
