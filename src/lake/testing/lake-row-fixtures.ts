import type { ShopEvent } from '../../contract/event.js';
import type { BronzeRow, QuarantineRow, SilverRow } from '../lake-table.js';

/** Test and benchmark rows with realistic sizes (Bronze: the reference contract's fields, ~300-byte raw JSON). */
export const TOPIC = 'ecom.events.raw.v1';
const TYPES = ['click', 'add_to_cart', 'checkout', 'purchase', 'page_view'] as const;

export function sampleEvent(i: number, eventTimeMs: number): ShopEvent {
  const type = TYPES[i % TYPES.length]!;
  const priced = type === 'add_to_cart' || type === 'purchase';
  return {
    event_id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    event_version: 1,
    event_type: type,
    event_time: new Date(eventTimeMs).toISOString(),
    ingest_time: new Date(eventTimeMs + 40).toISOString(),
    user_id: `u${i % 50_000}`,
    session_id: `s${i % 9_000}-${i % 7}`,
    product_id: type === 'checkout' ? null : `p${i % 2_000}`,
    quantity: priced ? 1 + (i % 3) : null,
    price: priced ? 9.99 + (i % 50) : null,
    currency: priced ? 'EUR' : null,
    order_id: type === 'purchase' ? `o${i}` : null,
    source: 'generator',
    category: 'electronics',
    channel: 'web',
    page_url: `https://shop.example/p/${i % 2_000}`,
    user_agent: 'Mozilla/5.0 (X11; Linux x86_64)',
    ip_address: `10.0.${i % 255}.1`,
    country: 'DE',
    device: 'desktop',
  };
}

export function silverRow(i: number, eventTimeMs: number, partition = 0): SilverRow {
  return {
    event: sampleEvent(i, eventTimeMs),
    eventTimeMs,
    ingestTimeMs: eventTimeMs + 40,
    driftJson: null,
    topic: TOPIC,
    partition,
    offset: i,
  };
}

export function bronzeRow(i: number, logTimestampMs: number, partition = 0): BronzeRow {
  const {
    category: _c,
    channel: _ch,
    page_url: _p,
    user_agent: _u,
    ip_address: _ip,
    country: _co,
    device: _d,
    ...event
  } = sampleEvent(i, logTimestampMs - 5);
  return {
    topic: TOPIC,
    partition,
    offset: i,
    logKey: event.user_id,
    logTimestampMs,
    rawJson: JSON.stringify(event),
    rawBytes: null,
    eventId: event.event_id,
    eventType: event.event_type,
    eventTimeMs: logTimestampMs - 5,
    ingestTimeMs: logTimestampMs + 35,
    userId: event.user_id,
  };
}

export function quarantineRow(
  i: number,
  logTimestampMs: number,
  reasons: readonly string[],
  partition = 0,
): QuarantineRow {
  const b = bronzeRow(i, logTimestampMs, partition);
  return {
    topic: b.topic,
    partition,
    offset: i,
    logKey: b.logKey,
    logTimestampMs,
    rawJson: b.rawJson,
    rawBytes: null,
    reasons,
    eventId: b.eventId,
  };
}
