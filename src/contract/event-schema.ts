import { Type, type TSchema } from '@sinclair/typebox';
import { CHANNELS, EVENT_TYPES } from './event.js';
import { DEFAULT_MAX_ID_CHARS, DEFAULT_MAX_TEXT_CHARS } from './validate-options.js';

/**
 * JSON Schema (draft 2020-12) of contract v1 for producers; `docs/contract.schema.json` is generated
 * from it (`npm run docs:contract`) and a test keeps the file in sync. The validator
 * (`validate-event.ts`) is the authority: this schema states the same rules with default limits,
 * except event_time_in_future, which compares two fields and is not expressible here.
 */
const TIMESTAMP_PATTERN =
  '^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})$';
const id = (description?: string) =>
  Type.String({ maxLength: DEFAULT_MAX_ID_CHARS, ...(description === undefined ? {} : { description }) });
const text = () => Type.String({ maxLength: DEFAULT_MAX_TEXT_CHARS });
const nullable = (schema: TSchema, description: string) => Type.Union([schema, Type.Null()], { description });
const optional = (schema: TSchema, description: string) => Type.Optional(nullable(schema, description));
const timestamp = (description: string) => Type.String({ pattern: TIMESTAMP_PATTERN, description });
const currency = Type.String({ pattern: '^[A-Z]{3}$' });
const int32 = (minimum: number) => Type.Integer({ minimum, maximum: 2_147_483_647 });

/** `when event_type is one of types, these properties must match` as a JSON Schema if/then. */
const when = (
  types: readonly string[],
  required: readonly string[],
  properties: Record<string, TSchema>,
) => ({
  if: { properties: { event_type: { enum: types } }, required: ['event_type'] },
  then: { required, properties },
});
const line = { quantity: int32(1), price: Type.Number({ minimum: 0 }), currency };

export const EventSchema = Type.Object(
  {
    event_id: id('Unique id (a UUID); the dedupe key. Required (missing_event_id).'),
    event_version: Type.Literal(1, { description: 'Contract version: 1 (bad_event_version).' }),
    event_type: Type.Union(
      EVENT_TYPES.map((t) => Type.Literal(t)),
      { description: 'One of the event types (invalid_event_type); the first four are the reference types.' },
    ),
    event_time: timestamp(
      'Business time, ISO-8601 with a zone, e.g. 2026-01-24T13:05:12.123Z; the window key (bad_event_time). At most contract.maxFutureMs after ingest_time (event_time_in_future).',
    ),
    ingest_time: timestamp('When the producer emitted the event, same format (bad_ingest_time).'),
    user_id: id('The customer; the partition key (missing_user_id).'),
    session_id: id('The session (missing_session_id).'),
    product_id: nullable(
      id(),
      'Product; required for click, add_to_cart, remove_from_cart, wishlist_add, inventory_update.',
    ),
    quantity: nullable(int32(-2_147_483_647), 'Units; add_to_cart and purchase: integer >= 1.'),
    price: nullable(Type.Number(), 'Unit price; add_to_cart and purchase: >= 0.'),
    currency: nullable(currency, 'ISO-4217 code (bad_currency); add_to_cart and purchase: required.'),
    order_id: nullable(id(), 'Order; required for purchase and refund.'),
    source: nullable(id(), 'Producer name (generator, collector, ...).'),
    category: optional(id(), 'Product category.'),
    channel: optional(Type.Union(CHANNELS.map((c) => Type.Literal(c))), 'Sales channel (bad_channel).'),
    store_id: optional(id(), 'Store, for the store channel.'),
    page_url: optional(text(), 'Page URL.'),
    referrer: optional(text(), 'Referrer URL.'),
    user_agent: optional(text(), 'Browser user agent.'),
    ip_address: optional(id(), 'Client IP address (PII: see processor.piiMasking).'),
    country: optional(id(), 'Country code.'),
    device: optional(id(), 'Device class.'),
    stock_level: optional(
      int32(0),
      'inventory_update: the new stock level of product_id (required there, may be 0).',
    ),
  },
  {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://shopstream.dev/schemas/contract-v1.json',
    title: 'shopstream event contract v1',
    description:
      'One e-commerce event. Reference fields are present (null when irrelevant); unknown fields are accepted and reported as drift.',
    additionalProperties: true,
    allOf: [
      when(['click', 'add_to_cart', 'remove_from_cart', 'wishlist_add', 'inventory_update'], ['product_id'], {
        product_id: Type.String(),
      }),
      when(['add_to_cart'], ['quantity', 'price', 'currency'], line),
      when(['purchase'], ['order_id', 'quantity', 'price', 'currency'], { ...line, order_id: Type.String() }),
      when(['refund'], ['order_id'], { order_id: Type.String() }),
      when(['inventory_update'], ['stock_level'], { stock_level: int32(0) }),
    ],
  },
);

/** Where the generated schema lives, relative to the repository root. */
export const CONTRACT_SCHEMA_PATH = 'docs/contract.schema.json';

/** The schema as the JSON text of docs/contract.schema.json. */
export function renderContractSchema(): string {
  return JSON.stringify(EventSchema, null, 2) + '\n';
}
