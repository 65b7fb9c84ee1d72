import { EVENT_TYPES, REFERENCE_EVENT_TYPES, type EventType } from './event.js';
import { BAD_TYPE_FACTS, FACT } from './field-facts.js';
import { REASON_BIT, type ReasonCode } from './reason-codes.js';

/** A conditional rule: when the event has this type, `facts` must all hold, else `reason`. */
interface Requirement {
  readonly facts: number;
  readonly reason: number;
}

interface TypeRules {
  readonly requirements: readonly Requirement[];
  /** BAD facts this type's own requirements already report (never also bad_field_type). */
  readonly checkedBadFacts: number;
}

const LINE = FACT.QUANTITY_OK | FACT.PRICE_OK | FACT.CURRENCY_STRING;
const LINE_BAD = FACT.QUANTITY_BAD | FACT.PRICE_BAD | FACT.CURRENCY_BAD;
const rule = (facts: number, reason: ReasonCode): Requirement => ({ facts, reason: REASON_BIT[reason] });
const productRule = rule(FACT.PRODUCT_ID_STRING, 'product_id_required_for_click_or_cart');
const productEventRule = rule(FACT.PRODUCT_ID_STRING, 'product_id_required_for_product_event');

/**
 * The conditional rules by event type. Reference rules (click, add_to_cart, purchase) exactly as
 * the reference states them: product_id not null for click and add_to_cart; add_to_cart needs
 * quantity >= 1, price >= 0, currency; purchase needs order_id, quantity >= 1, price >= 0, currency.
 */
const RULES: Readonly<Record<EventType, TypeRules>> = {
  click: { requirements: [productRule], checkedBadFacts: FACT.PRODUCT_ID_BAD },
  add_to_cart: {
    requirements: [productRule, rule(LINE, 'add_to_cart_requires_qty_price_currency')],
    checkedBadFacts: FACT.PRODUCT_ID_BAD | LINE_BAD,
  },
  checkout: { requirements: [], checkedBadFacts: 0 },
  purchase: {
    requirements: [rule(LINE | FACT.ORDER_ID_STRING, 'purchase_requires_order_qty_price_currency')],
    checkedBadFacts: LINE_BAD | FACT.ORDER_ID_BAD,
  },
  page_view: { requirements: [], checkedBadFacts: 0 },
  remove_from_cart: { requirements: [productEventRule], checkedBadFacts: FACT.PRODUCT_ID_BAD },
  wishlist_add: { requirements: [productEventRule], checkedBadFacts: FACT.PRODUCT_ID_BAD },
  refund: {
    requirements: [rule(FACT.ORDER_ID_STRING, 'refund_requires_order_id')],
    checkedBadFacts: FACT.ORDER_ID_BAD,
  },
  inventory_update: {
    requirements: [productEventRule, rule(FACT.STOCK_OK, 'inventory_update_requires_stock_level')],
    checkedBadFacts: FACT.PRODUCT_ID_BAD | FACT.STOCK_BAD,
  },
};

/** Rules by type for the full contract, and for the reference contract (its four types only). */
export const FULL_TYPE_RULES: ReadonlyMap<unknown, TypeRules> = new Map(
  EVENT_TYPES.map((t) => [t, RULES[t]]),
);
export const REFERENCE_TYPE_RULES: ReadonlyMap<unknown, TypeRules> = new Map(
  REFERENCE_EVENT_TYPES.map((t) => [t, RULES[t]]),
);
export type { TypeRules };

/** Reasons of the conditional rules of `rules` (undefined = unknown type: none apply). */
export function conditionalMask(rules: TypeRules | undefined, facts: number): number {
  if (rules === undefined) return 0;
  let mask = 0;
  const requirements = rules.requirements;
  for (let i = 0; i < requirements.length; i++) {
    const r = requirements[i]!;
    if ((facts & r.facts) !== r.facts) mask |= r.reason;
  }
  return mask;
}

/** bad_field_type when a field is of the wrong type and no requirement of this type reports it. */
export function badTypeMask(rules: TypeRules | undefined, facts: number): number {
  const unchecked = facts & BAD_TYPE_FACTS & ~(rules === undefined ? 0 : rules.checkedBadFacts);
  return unchecked === 0 ? 0 : REASON_BIT.bad_field_type;
}
