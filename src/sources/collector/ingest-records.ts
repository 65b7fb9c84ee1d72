import { ShopError } from '../../errors/index.js';
import { RAW_TOPIC, type ProducerRecord } from '../../log/event-log.js';
import type { NdjsonItem } from './request-body.js';
import { CUSTOMER_MESSAGE_TYPES } from './segment-event-types.js';
import { isObject, mergeBatchLevel, type JsonObject } from './segment-message.js';
import { CUSTOMERS_TOPIC, segmentToCustomer } from './segment-to-customer.js';
import { segmentToEvent, type MappingContext } from './segment-to-event.js';

/** What one request appends: records per topic, and their value bytes (for back-pressure). */
export interface IngestPlan {
  readonly byTopic: ReadonlyMap<string, ProducerRecord[]>;
  readonly events: number;
  readonly bytes: number;
}

export interface EventLimits {
  readonly maxEventBytes: number;
  readonly maxBatchEvents: number;
}

class PlanBuilder {
  readonly byTopic = new Map<string, ProducerRecord[]>();
  events = 0;
  bytes = 0;

  add(topic: string, key: string | null, value: Buffer): void {
    const records = this.byTopic.get(topic) ?? [];
    records.push({ key: key === null ? null : Buffer.from(key, 'utf8'), value });
    this.byTopic.set(topic, records);
    this.events++;
    this.bytes += value.length;
  }
}

function checkCount(count: number, limits: EventLimits): void {
  if (count > limits.maxBatchEvents)
    throw new ShopError(
      'SHOP_COLLECTOR_TOO_MANY_EVENTS',
      `${count} events in one request; at most ${limits.maxBatchEvents}`,
    );
}

function tooLarge(index: number, limits: EventLimits): ShopError {
  return new ShopError(
    'SHOP_COLLECTOR_EVENT_TOO_LARGE',
    `event ${index + 1} exceeds ${limits.maxEventBytes} bytes`,
  );
}

/** The partition key of a native event: its user_id when it is a string (else round-robin). */
function userKeyOf(value: unknown): string | null {
  const userId = isObject(value) ? value['user_id'] : undefined;
  return typeof userId === 'string' && userId.length > 0 ? userId : null;
}

/** Native NDJSON: each line is appended byte for byte, unchanged. */
export function planNdjson(items: readonly NdjsonItem[], limits: EventLimits): IngestPlan {
  checkCount(items.length, limits);
  const plan = new PlanBuilder();
  items.forEach((item, i) => {
    if (item.bytes.length > limits.maxEventBytes) throw tooLarge(i, limits);
    plan.add(RAW_TOPIC, item.userId, item.bytes);
  });
  return plan;
}

/** Native JSON: one event or an array of events, each appended as its JSON text, unchanged. */
export function planNativeJson(document: unknown, limits: EventLimits): IngestPlan {
  const values = Array.isArray(document) ? document : [document];
  checkCount(values.length, limits);
  const plan = new PlanBuilder();
  values.forEach((value, i) => {
    const bytes = Buffer.from(JSON.stringify(value), 'utf8');
    if (bytes.length > limits.maxEventBytes) throw tooLarge(i, limits);
    plan.add(RAW_TOPIC, userKeyOf(value), bytes);
  });
  return plan;
}

/**
 * Segment messages (already typed by their route), batch-level fields merged: track/page/screen
 * become contract events on the raw topic, identify/group/alias customer records on
 * ecom.customers.v1. Every message must be a JSON object no larger than maxEventBytes.
 */
export function planSegment(
  messages: readonly unknown[],
  batch: JsonObject,
  ctx: MappingContext,
  limits: EventLimits,
): IngestPlan {
  checkCount(messages.length, limits);
  const plan = new PlanBuilder();
  messages.forEach((message, i) => {
    if (!isObject(message))
      throw new ShopError('SHOP_COLLECTOR_BAD_BODY', `message ${i + 1} is not a JSON object`);
    if (Buffer.byteLength(JSON.stringify(message), 'utf8') > limits.maxEventBytes) throw tooLarge(i, limits);
    const msg = mergeBatchLevel(message, batch);
    const customer = typeof msg['type'] === 'string' && CUSTOMER_MESSAGE_TYPES.has(msg['type']);
    const record = customer ? segmentToCustomer(msg, ctx) : segmentToEvent(msg, ctx);
    const key = typeof record['user_id'] === 'string' ? record['user_id'] : null;
    plan.add(customer ? CUSTOMERS_TOPIC : RAW_TOPIC, key, Buffer.from(JSON.stringify(record), 'utf8'));
  });
  return plan;
}
