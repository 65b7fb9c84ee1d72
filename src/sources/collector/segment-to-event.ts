import { CHANNELS } from '../../contract/index.js';
import { CURRENCY_TYPES, DEFAULT_CURRENCY, SEGMENT_TRACK_EVENT_TYPES } from './segment-event-types.js';
import {
  eventTimeOf,
  idOf,
  isObject,
  numberOf,
  objectAt,
  stringOf,
  userIdOf,
  type JsonObject,
  type SegmentMessage,
} from './segment-message.js';

/** What the mapping needs besides the message. */
export interface MappingContext {
  readonly receivedAtMs: number;
  /** The write key's source name, else the collector's default. */
  readonly source: string;
  /** event_id when the message has no messageId (Segment's own API assigns one too). */
  readonly newId: () => string;
}

/** One product line of an order, kept on the purchase event as `products` (a drift field). */
export interface ProductLine {
  readonly product_id: string | null;
  readonly quantity: number;
  readonly price: number | null;
  readonly category: string | null;
}

const CHANNEL_SET: ReadonlySet<unknown> = new Set(CHANNELS);

/**
 * A track, page or screen message as one contract-v1 event (docs/collector.md has the table).
 * Contract: every reference field is present; `segment` keeps the original message (batch context
 * merged) for traceability and `products` the lines of an order: both are unknown to the contract,
 * so the validator reports them as drift and Silver keeps them in drift_json. The collector never
 * judges validity: a message that maps to an invalid event is quarantined by the processor.
 */
export function segmentToEvent(msg: SegmentMessage, ctx: MappingContext): Record<string, unknown> {
  const type = msg['type'];
  const props = objectAt(msg, 'properties');
  const eventType = eventTypeOf(type, msg['event']);
  const userId = userIdOf(msg);
  const eventTime = eventTimeOf(msg, ctx.receivedAtMs);
  const order = eventType === 'purchase' || eventType === 'refund';
  const lines = order ? productLines(props['products']) : [];
  return {
    event_id: idOf(msg['messageId']) ?? ctx.newId(),
    event_version: 1,
    event_type: eventType,
    event_time: eventTime,
    ingest_time: new Date(ctx.receivedAtMs).toISOString(),
    user_id: userId,
    session_id: sessionIdOf(msg, props, userId, eventTime),
    product_id: order ? null : (idOf(props['product_id']) ?? idOf(props['sku']) ?? idOf(props['id'])),
    quantity: order ? 1 : quantityOf(eventType, props),
    price: order ? orderAmount(props, lines) : numberOf(props['price']),
    currency: currencyOf(eventType, props),
    order_id: idOf(props['order_id']) ?? (order ? idOf(props['checkout_id']) : null),
    source: ctx.source,
    ...contextFields(msg, props, type),
    ...(order && lines.length > 0 ? { products: lines } : {}),
    segment: msg,
  };
}

/** track: the spec table, else the event name itself (quarantined); page and screen: page_view. */
function eventTypeOf(type: unknown, event: unknown): unknown {
  if (type === 'page' || type === 'screen') return 'page_view';
  if (typeof event !== 'string') return event ?? null;
  return Object.hasOwn(SEGMENT_TRACK_EVENT_TYPES, event) ? SEGMENT_TRACK_EVENT_TYPES[event] : event;
}

/** Cart events without a quantity mean one unit (the spec makes quantity optional). */
function quantityOf(eventType: unknown, props: JsonObject): number | null {
  const q = numberOf(props['quantity']);
  if (q !== null) return q;
  return eventType === 'add_to_cart' || eventType === 'remove_from_cart' ? 1 : null;
}

function currencyOf(eventType: unknown, props: JsonObject): string | null {
  const given = stringOf(props['currency']);
  if (given !== null) return given.toUpperCase();
  return typeof eventType === 'string' && CURRENCY_TYPES.has(eventType) ? DEFAULT_CURRENCY : null;
}

/**
 * The order amount: `revenue`, else `total`, else the sum of its lines' price x quantity
 * (null when none of these is known, so the processor quarantines the purchase).
 */
export function orderAmount(props: JsonObject, lines: readonly ProductLine[]): number | null {
  const given = numberOf(props['revenue']) ?? numberOf(props['total']);
  if (given !== null) return given;
  const priced = lines.filter((l) => l.price !== null);
  if (priced.length === 0) return null;
  return Math.round(priced.reduce((sum, l) => sum + l.price! * l.quantity, 0) * 1e6) / 1e6;
}

export function productLines(products: unknown): ProductLine[] {
  if (!Array.isArray(products)) return [];
  return products.filter(isObject).map((p) => ({
    product_id: idOf(p['product_id']) ?? idOf(p['sku']) ?? idOf(p['id']),
    quantity: numberOf(p['quantity']) ?? 1,
    price: numberOf(p['price']),
    category: stringOf(p['category']),
  }));
}

/**
 * session_id: `context.sessionId` (RudderStack), `properties.session_id`/`sessionId`, the
 * Amplitude integration's `session_id`; else a stable derived id `<user>:<UTC date>` so that
 * retries of a message land in the same session.
 */
function sessionIdOf(
  msg: SegmentMessage,
  props: JsonObject,
  userId: string | null,
  eventTime: unknown,
): string | null {
  const context = objectAt(msg, 'context');
  const amplitude = objectAt(objectAt(msg, 'integrations'), 'Amplitude');
  const given =
    idOf(context['sessionId']) ??
    idOf(props['session_id']) ??
    idOf(props['sessionId']) ??
    idOf(amplitude['session_id']);
  if (given !== null || userId === null) return given;
  const day = typeof eventTime === 'string' ? eventTime.slice(0, 10) : new Date().toISOString().slice(0, 10);
  return `${userId}:${day}`;
}

/** The optional enrichment fields from `context` and `properties`. */
function contextFields(msg: SegmentMessage, props: JsonObject, type: unknown): Record<string, unknown> {
  const context = objectAt(msg, 'context');
  const page = objectAt(context, 'page');
  return {
    category: stringOf(props['category']),
    channel: channelOf(msg, props, context, type),
    store_id: idOf(props['store_id']),
    page_url: stringOf(page['url']) ?? stringOf(props['url']),
    referrer: stringOf(page['referrer']) ?? stringOf(props['referrer']),
    user_agent: stringOf(context['userAgent']),
    ip_address: stringOf(context['ip']),
    country: stringOf(objectAt(context, 'location')['country']),
    device: stringOf(objectAt(context, 'device')['type']),
  };
}

/** properties.channel when it is web|app|store; screen or a mobile device/library = app; browser = web. */
function channelOf(
  msg: SegmentMessage,
  props: JsonObject,
  context: JsonObject,
  type: unknown,
): string | null {
  if (CHANNEL_SET.has(props['channel'])) return props['channel'] as string;
  if (type === 'screen' || msg['channel'] === 'mobile' || isObject(context['app'])) return 'app';
  if (msg['channel'] === 'browser' || isObject(context['page'])) return 'web';
  return null;
}
