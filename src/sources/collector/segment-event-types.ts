import type { EventType } from '../../contract/index.js';

/**
 * Segment e-commerce spec v2 events -> contract v1 event types (the table of docs/collector.md).
 * A track event not listed keeps its own name as event_type, so the processor quarantines it as
 * invalid_event_type: nothing is dropped, and the name shows what was sent.
 */
export const SEGMENT_TRACK_EVENT_TYPES: Readonly<Record<string, EventType>> = Object.freeze({
  'Product Clicked': 'click',
  'Product Added': 'add_to_cart',
  'Product Removed': 'remove_from_cart',
  'Product Added to Wishlist': 'wishlist_add',
  'Checkout Started': 'checkout',
  'Order Completed': 'purchase',
  'Order Refunded': 'refund',
  'Product Viewed': 'page_view',
  'Product List Viewed': 'page_view',
  'Product List Filtered': 'page_view',
  'Products Searched': 'page_view',
  'Cart Viewed': 'page_view',
});

/** Types whose events need a currency; the spec's default currency is USD. */
export const CURRENCY_TYPES: ReadonlySet<string> = new Set([
  'add_to_cart',
  'remove_from_cart',
  'purchase',
  'refund',
]);

export const DEFAULT_CURRENCY = 'USD';

/** Segment message types that describe customers, not behaviour: they go to the customer topic. */
export const CUSTOMER_MESSAGE_TYPES: ReadonlySet<string> = new Set(['identify', 'group', 'alias']);

export const SEGMENT_MESSAGE_TYPES: ReadonlySet<string> = new Set([
  'track',
  'page',
  'screen',
  'identify',
  'group',
  'alias',
]);
