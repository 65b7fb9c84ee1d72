import { CATEGORIES, type Catalog } from './catalog.js';
import type { DraftEvent } from './draft-event.js';
import type { EventFactory } from './event-factory.js';
import type { Prng } from './prng.js';
import type { ShoppingSession } from './shopping-session.js';
import { randomHex } from './uuid-v4.js';

/**
 * Per-step probabilities of the funnel walk. Measured over 150k events (flat traffic): ~9.5% of
 * digital visits add to cart, ~57% of those check out, ~69% of checkouts pay, so ~3.7% of visits
 * convert, ~5.2 events per visit. Heavy buyers multiply the cart and pay steps by 3.
 */
export const FUNNEL = {
  digital: {
    exit: 0.2,
    exitWithCart: 0.12,
    pageView: 0.3,
    cartAfterClick: 0.035,
    wishlistAfterClick: 0.04,
    checkout: 0.2,
    remove: 0.07,
    pay: 0.55,
  },
  store: {
    exit: 0.12,
    exitWithCart: 0.05,
    pageView: 0,
    cartAfterClick: 0.4,
    wishlistAfterClick: 0,
    checkout: 0.35,
    remove: 0.04,
    pay: 0.9,
  },
  interestFocus: 0.65,
  leaveAfterPurchase: 0.8,
  leaveAfterFailedCheckout: 0.5,
} as const;

const REFERRERS = [
  null,
  null,
  null,
  null,
  'https://www.google.com/',
  'https://www.google.com/',
  'https://www.google.com/',
  'https://www.instagram.com/',
  'https://newsletter.shop.example.com/',
  'https://www.bing.com/',
];

export interface WalkerEnv {
  readonly rng: Prng;
  readonly catalog: Catalog;
  readonly events: EventFactory;
  /** False while the checkout is broken (drop scenario). */
  readonly purchasesWork: boolean;
  /** Receives each order line as it is paid (refunds draw from these). */
  onOrderLine(line: DraftEvent): void;
}

/** Advances `s` by one step at `timeMs`, pushing 0..n events to `out`. Returns false when the visit ends. */
export function stepSession(s: ShoppingSession, timeMs: number, env: WalkerEnv, out: DraftEvent[]): boolean {
  const p = s.channel === 'store' ? FUNNEL.store : FUNNEL.digital;
  const { rng } = env;
  if (s.phase === 'landing') return land(s, timeMs, env, out);
  if (s.phase === 'checkout') return pay(s, timeMs, env, out, p.pay);
  if (s.lastClicked >= 0) {
    const product = s.lastClicked;
    s.lastClicked = -1;
    const u = rng.float();
    if (u < p.cartAfterClick * s.customer.propensity) return addToCart(s, product, timeMs, env, out);
    if (u < p.cartAfterClick * s.customer.propensity + p.wishlistAfterClick) {
      out.push(env.events.productEvent(s, 'wishlist_add', timeMs, product));
      return true;
    }
  }
  if (s.cart.length > 0) {
    const u = rng.float();
    if (u < p.checkout) {
      s.phase = 'checkout';
      out.push(env.events.sessionEvent(s, 'checkout', timeMs, 'checkout'));
      return true;
    }
    if (u < p.checkout + p.remove) return removeFromCart(s, timeMs, env, out);
  }
  if (rng.chance(s.cart.length > 0 ? p.exitWithCart : p.exit)) return false;
  return browse(s, timeMs, env, out, p.pageView);
}

function land(s: ShoppingSession, timeMs: number, env: WalkerEnv, out: DraftEvent[]): boolean {
  s.phase = 'browsing';
  if (s.channel === 'store') return browse(s, timeMs, env, out, 0);
  const slug = (CATEGORIES[s.interest] as (typeof CATEGORIES)[number]).slug;
  const e = env.events.sessionEvent(s, 'page_view', timeMs, env.rng.chance(0.5) ? '' : 'c/' + slug);
  if (e.page_url !== null && e.page_url.endsWith(slug)) e.category = slug;
  if (s.channel === 'web') e.referrer = env.rng.pick(REFERRERS);
  out.push(e);
  return true;
}

function browse(
  s: ShoppingSession,
  timeMs: number,
  env: WalkerEnv,
  out: DraftEvent[],
  pageViewShare: number,
): boolean {
  const { rng, catalog } = env;
  if (rng.chance(pageViewShare)) {
    const cat = rng.chance(FUNNEL.interestFocus) ? s.interest : catalog.sampleCategory(rng);
    const slug = (CATEGORIES[cat] as (typeof CATEGORIES)[number]).slug;
    const e = env.events.sessionEvent(
      s,
      'page_view',
      timeMs,
      rng.chance(0.7) ? 'c/' + slug : 'search?q=' + slug,
    );
    e.category = slug;
    out.push(e);
    return true;
  }
  const product = rng.chance(FUNNEL.interestFocus)
    ? catalog.sampleProductIn(s.interest, rng)
    : catalog.sampleProduct(rng);
  s.lastClicked = product;
  out.push(env.events.productEvent(s, 'click', timeMs, product));
  return true;
}

function addToCart(
  s: ShoppingSession,
  product: number,
  timeMs: number,
  env: WalkerEnv,
  out: DraftEvent[],
): boolean {
  const quantity = sampleQuantity(env.rng);
  const existing = s.cart.find((line) => line.product === product);
  const price = existing?.price ?? env.events.localPrice(s, product);
  if (existing === undefined) s.cart.push({ product, quantity, price });
  else existing.quantity += quantity;
  const e = env.events.productEvent(s, 'add_to_cart', timeMs, product);
  e.quantity = quantity;
  e.price = price;
  e.currency = s.currency;
  out.push(e);
  return true;
}

function removeFromCart(s: ShoppingSession, timeMs: number, env: WalkerEnv, out: DraftEvent[]): boolean {
  const index = env.rng.int(s.cart.length);
  const [line] = s.cart.splice(index, 1);
  if (line === undefined) return true;
  const e = env.events.productEvent(s, 'remove_from_cart', timeMs, line.product, 'cart');
  e.quantity = line.quantity;
  e.price = line.price;
  e.currency = s.currency;
  out.push(e);
  return true;
}

/** After a checkout: pay (one purchase event per cart line, one shared order_id), or give up. */
function pay(
  s: ShoppingSession,
  timeMs: number,
  env: WalkerEnv,
  out: DraftEvent[],
  payProbability: number,
): boolean {
  s.phase = 'browsing';
  const { rng } = env;
  if (!env.purchasesWork || !rng.chance(Math.min(0.97, payProbability * s.customer.propensity))) {
    s.failedCheckouts++;
    return !rng.chance(FUNNEL.leaveAfterFailedCheckout);
  }
  const orderId = 'ord_' + randomHex(rng, 8) + randomHex(rng, 2);
  for (const line of s.cart) {
    const e = env.events.productEvent(s, 'purchase', timeMs, line.product, 'checkout/confirmation');
    e.quantity = line.quantity;
    e.price = line.price;
    e.currency = s.currency;
    e.order_id = orderId;
    out.push(e);
    env.onOrderLine(e);
    const stock = env.catalog.stock;
    stock[line.product] = Math.max(0, (stock[line.product] as number) - line.quantity);
  }
  s.cart = [];
  return !rng.chance(FUNNEL.leaveAfterPurchase);
}

/** 1 (80%), 2 (14%), 3..5 (6%). */
function sampleQuantity(rng: Prng): number {
  const u = rng.float();
  return u < 0.8 ? 1 : u < 0.94 ? 2 : rng.between(3, 5);
}
