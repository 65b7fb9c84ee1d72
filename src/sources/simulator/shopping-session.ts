import type { Channel } from '../../contract/event.js';
import { FX_PER_EUR, STORES, type CustomerProfile, type Device } from './customer-profiles.js';

/** One line of a session's cart. */
export interface CartLine {
  readonly product: number;
  quantity: number;
  /** Unit price in the session currency. */
  readonly price: number;
}

export type SessionPhase = 'landing' | 'browsing' | 'checkout';

/**
 * A visit of one customer on one channel: the fixed context every event of the visit carries,
 * and the funnel state the walker advances.
 */
export interface ShoppingSession {
  readonly customer: CustomerProfile;
  readonly sessionId: string;
  readonly channel: Channel;
  readonly device: Device;
  readonly storeId: string | null;
  readonly country: string;
  readonly currency: string;
  readonly fxPerEur: number;
  readonly userAgent: string | null;
  readonly ipAddress: string | null;
  readonly pageBase: string | null;
  /** Category the visitor came for (index into CATEGORIES). */
  readonly interest: number;
  phase: SessionPhase;
  /** Product of the last click, -1 when the last event was not a click. */
  lastClicked: number;
  cart: CartLine[];
  /** Checkout attempts that failed (a broken payment page makes people retry). */
  failedCheckouts: number;
}

export interface SessionSeed {
  readonly customer: CustomerProfile;
  readonly sessionId: string;
  readonly inStore: boolean;
  readonly interest: number;
  /** Uniform in [0, 1): picks the store among those of the customer's country. */
  readonly storeRoll: number;
}

export function openSession(seed: SessionSeed): ShoppingSession {
  const { customer } = seed;
  const channel: Channel = seed.inStore ? 'store' : customer.prefersApp ? 'app' : 'web';
  const store = seed.inStore ? pickStore(customer.country.code, seed.storeRoll) : null;
  const currency = store === null ? customer.country.currency : currencyOfStore(store.country, customer);
  return {
    customer,
    sessionId: seed.sessionId,
    channel,
    device: channel === 'store' ? 'pos' : customer.device,
    storeId: store?.id ?? null,
    country: store?.country ?? customer.country.code,
    currency,
    fxPerEur: FX_PER_EUR[currency as keyof typeof FX_PER_EUR],
    userAgent: channel === 'store' ? null : channel === 'app' ? customer.appAgent : customer.webAgent,
    ipAddress: channel === 'store' ? null : customer.ipAddress,
    pageBase: channel === 'store' ? null : channel === 'app' ? 'app://shop/' : 'https://shop.example.com/',
    interest: seed.interest,
    phase: 'landing',
    lastClicked: -1,
    cart: [],
    failedCheckouts: 0,
  };
}

function pickStore(country: string, roll: number): (typeof STORES)[number] {
  const local = STORES.filter((s) => s.country === country);
  const choices = local.length > 0 ? local : STORES;
  return choices[Math.floor(roll * choices.length)] as (typeof STORES)[number];
}

function currencyOfStore(storeCountry: string, customer: CustomerProfile): string {
  if (storeCountry === 'GB') return 'GBP';
  if (storeCountry === 'US') return 'USD';
  return storeCountry === customer.country.code ? customer.country.currency : 'EUR';
}
