/**
 * Event contract v1: the flat JSON object of the brief. Every reference field is present on the
 * wire (irrelevant ones are null); optional fields of shopstream's own may be absent.
 */

/** The reference types first, then shopstream's additions. */
export const EVENT_TYPES = [
  'click',
  'add_to_cart',
  'checkout',
  'purchase',
  'page_view',
  'remove_from_cart',
  'wishlist_add',
  'refund',
  'inventory_update',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** The event types of the reference contract (the first four of EVENT_TYPES). */
export const REFERENCE_EVENT_TYPES = ['click', 'add_to_cart', 'checkout', 'purchase'] as const;

/** Types about one product: product_id is required (click and add_to_cart by the reference rule). */
export const PRODUCT_EVENT_TYPES = ['remove_from_cart', 'wishlist_add', 'inventory_update'] as const;

export const CHANNELS = ['web', 'app', 'store'] as const;
export type Channel = (typeof CHANNELS)[number];

export interface ShopEvent {
  event_id: string;
  event_version: 1;
  event_type: EventType;
  /** Business time, ISO-8601 UTC with milliseconds and `Z`; the window key. */
  event_time: string;
  /** When the producer emitted it, same format. */
  ingest_time: string;
  user_id: string;
  session_id: string;
  product_id: string | null;
  quantity: number | null;
  price: number | null;
  currency: string | null;
  order_id: string | null;
  /** Producer name; the reference does not check it, so null (or absent) is accepted. */
  source: string | null;
  // Optional enrichment fields (shopstream's own).
  category?: string | null;
  channel?: Channel | null;
  store_id?: string | null;
  page_url?: string | null;
  referrer?: string | null;
  user_agent?: string | null;
  ip_address?: string | null;
  country?: string | null;
  device?: string | null;
  /** inventory_update: the new stock level of product_id (may be 0). */
  stock_level?: number | null;
}

/** The fields of the reference contract, in wire order. */
export const REFERENCE_FIELDS = [
  'event_id',
  'event_version',
  'event_type',
  'event_time',
  'ingest_time',
  'user_id',
  'session_id',
  'product_id',
  'quantity',
  'price',
  'currency',
  'order_id',
  'source',
] as const;

/** shopstream's optional fields: absent, null, or of the type in ShopEvent. */
export const OPTIONAL_FIELDS = [
  'category',
  'channel',
  'store_id',
  'page_url',
  'referrer',
  'user_agent',
  'ip_address',
  'country',
  'device',
  'stock_level',
] as const;

export type KnownField = (typeof REFERENCE_FIELDS)[number] | (typeof OPTIONAL_FIELDS)[number];
