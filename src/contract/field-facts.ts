/**
 * Facts about an event's fields, one bit each, gathered in a single pass over its keys by
 * `scanFields`. The rules (`event-type-rules.ts`) are integer operations on these bits.
 * "OK" facts hold when the field is present with the value a rule needs; "BAD" facts when a field
 * is present, non-null and of the wrong type for every event type.
 */
export const FACT = {
  EVENT_ID_STRING: 1 << 0,
  USER_ID_STRING: 1 << 1,
  SESSION_ID_STRING: 1 << 2,
  PRODUCT_ID_STRING: 1 << 3,
  ORDER_ID_STRING: 1 << 4,
  CURRENCY_STRING: 1 << 5,
  /** quantity is an integer in 1..2^31-1 (the reference column is a 32-bit integer). */
  QUANTITY_OK: 1 << 6,
  /** price is a finite number >= 0. */
  PRICE_OK: 1 << 7,
  VERSION_OK: 1 << 8,
  /** stock_level is an integer in 0..2^31-1. */
  STOCK_OK: 1 << 9,
  PRODUCT_ID_BAD: 1 << 10,
  ORDER_ID_BAD: 1 << 11,
  /** quantity present and not an integer in +-(2^31-1). */
  QUANTITY_BAD: 1 << 12,
  /** price present and not a finite number. */
  PRICE_BAD: 1 << 13,
  CURRENCY_BAD: 1 << 14,
  STOCK_BAD: 1 << 15,
  /** source, channel or an optional string field present and not a string. */
  OTHER_BAD: 1 << 16,
  CURRENCY_NOT_ISO: 1 << 17,
  CHANNEL_UNKNOWN: 1 << 18,
  TOO_LONG: 1 << 19,
  DRIFT: 1 << 20,
} as const;

export const BAD_TYPE_FACTS =
  FACT.PRODUCT_ID_BAD |
  FACT.ORDER_ID_BAD |
  FACT.QUANTITY_BAD |
  FACT.PRICE_BAD |
  FACT.CURRENCY_BAD |
  FACT.STOCK_BAD |
  FACT.OTHER_BAD;
