/**
 * Quarantine reason codes. A result lists its reasons in the order of `REASON_CODES`: the nine
 * reference codes first (the order of the reference contract), then shopstream's own. Codes are
 * stable: never renamed, never reused for another meaning; `docs/contract.md` documents each one
 * and a test keeps the two in sync.
 */
export const REFERENCE_REASON_CODES = [
  'missing_event_id',
  'invalid_event_type',
  'missing_user_id',
  'missing_session_id',
  'bad_ingest_time',
  'bad_event_time',
  'product_id_required_for_click_or_cart',
  'add_to_cart_requires_qty_price_currency',
  'purchase_requires_order_qty_price_currency',
] as const;

export const OWN_REASON_CODES = [
  'not_json',
  'not_an_object',
  'record_too_large',
  'bad_event_version',
  'bad_field_type',
  'value_too_long',
  'event_time_in_future',
  'bad_channel',
  'bad_currency',
  'product_id_required_for_product_event',
  'refund_requires_order_id',
  'inventory_update_requires_stock_level',
  'late_beyond_watermark',
] as const;

export const REASON_CODES = [...REFERENCE_REASON_CODES, ...OWN_REASON_CODES] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/** Bit of each code in a reason mask: bit i <=> REASON_CODES[i]. */
export const REASON_BIT: Readonly<Record<ReasonCode, number>> = Object.freeze(
  Object.fromEntries(REASON_CODES.map((code, i) => [code, 2 ** i])) as Record<ReasonCode, number>,
);

const SINGLE_REASON: ReadonlyMap<number, readonly ReasonCode[]> = new Map(
  REASON_CODES.map((code, i) => [2 ** i, Object.freeze([code])]),
);

/** The codes of a non-empty reason mask, in the fixed order. One-code lists are shared and frozen. */
export function reasonsOf(mask: number): readonly ReasonCode[] {
  const single = SINGLE_REASON.get(mask);
  if (single !== undefined) return single;
  const out: ReasonCode[] = [];
  for (let i = 0; i < REASON_CODES.length; i++) {
    if ((mask & (2 ** i)) !== 0) out.push(REASON_CODES[i]!);
  }
  return out;
}

export function isReasonCode(value: string): value is ReasonCode {
  return (REASON_CODES as readonly string[]).includes(value);
}
