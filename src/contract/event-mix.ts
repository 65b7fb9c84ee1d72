import type { EventType } from './event.js';

/**
 * A deterministic mix of contract-v1 event lines for measuring the validator (`bench`, tests):
 * every event type, shopstream's optional fields on half of them, and `invalidPct` percent broken
 * in one of several ways (missing ids, bad times, bad cart lines, not JSON). Same seed, same lines.
 */
export function buildContractEventMix(count: number, seed = 42, invalidPct = 5): string[] {
  const random = mulberry32(seed);
  const lines = new Array<string>(count);
  const baseMs = Date.UTC(2026, 0, 24, 13, 0, 0);
  for (let i = 0; i < count; i++) {
    const eventTimeMs = baseMs + i * 7 + Math.floor(random() * 1000);
    const event = sampleEvent(i, random, eventTimeMs);
    lines[i] = random() * 100 < invalidPct ? breakEvent(event, random) : JSON.stringify(event);
  }
  return lines;
}

const TYPES: readonly EventType[] = [
  'click',
  'click',
  'click',
  'page_view',
  'add_to_cart',
  'checkout',
  'purchase',
  'remove_from_cart',
  'wishlist_add',
  'refund',
  'inventory_update',
];
const CURRENCIES = ['EUR', 'USD', 'GBP'];

function sampleEvent(i: number, random: () => number, eventTimeMs: number): Record<string, unknown> {
  const type = TYPES[Math.floor(random() * TYPES.length)]!;
  const line =
    type === 'add_to_cart' || type === 'purchase' || type === 'refund' || type === 'remove_from_cart';
  const event: Record<string, unknown> = {
    event_id: `${(i * 2654435761) >>> 0}-${Math.floor(random() * 1e9)}-4d20-b983-6e8f2f318d2a`,
    event_version: 1,
    event_type: type,
    event_time: new Date(eventTimeMs).toISOString(),
    ingest_time: new Date(eventTimeMs + Math.floor(random() * 500)).toISOString(),
    user_id: `user_${Math.floor(random() * 50_000)}`,
    session_id: `9eae3b0f-4c2a-4c2d-8c8d-${Math.floor(random() * 1e12)}`,
    product_id: type === 'checkout' || type === 'page_view' ? null : `sku_${Math.floor(random() * 2000)}`,
    quantity: line ? 1 + Math.floor(random() * 3) : null,
    price: line ? Math.round(random() * 20_000) / 100 : null,
    currency: line ? CURRENCIES[i % 3]! : null,
    order_id: type === 'purchase' || type === 'refund' ? `ord_${i}` : null,
    source: 'generator',
  };
  if (type === 'inventory_update') event.stock_level = Math.floor(random() * 100);
  if (i % 2 === 0) {
    event.category = 'shoes';
    event.channel = 'web';
    event.page_url = 'https://shop.example/p/sku';
    event.user_agent = 'Mozilla/5.0 (X11; Linux x86_64)';
  }
  return event;
}

function breakEvent(event: Record<string, unknown>, random: () => number): string {
  switch (Math.floor(random() * 5)) {
    case 0:
      return JSON.stringify({ ...event, event_id: null });
    case 1:
      return JSON.stringify({ ...event, event_time: '2026-13-01T00:00:00Z' });
    case 2:
      return JSON.stringify({ ...event, event_type: 'add_to_cart', quantity: '2' });
    case 3:
      return JSON.stringify({ ...event, currency: 'euro' });
    default:
      return JSON.stringify(event).slice(0, 40);
  }
}

/** A small, fast, seedable PRNG (mulberry32). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
