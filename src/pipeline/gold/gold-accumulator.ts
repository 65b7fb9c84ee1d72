import type { ShopEvent } from '../../contract/event.js';
import type { GoldCounterRow, GoldDimCounterRow, GoldOrderRow, GoldProductRow } from '../../store/index.js';
import { windowStartOf } from './minute-window.js';

/**
 * Accumulates the Gold deltas of one processor batch: additive base counters per one-minute
 * event-time window, per dimension (channel, category, store), per product, and the order lines
 * of purchases. Only additive quantities live here; ratios (aov, rates) are derived from the summed
 * counters by the serving store, never averaged (see docs/delivery-guarantees.md).
 *
 * Counters per window: events_total, events_<type> for every event type, revenue (sum of
 * price x quantity over purchases), units_purchased, refund_amount (price x quantity of refunds).
 * Per dimension value: events_total, events_click|add_to_cart|checkout|purchase, revenue.
 */
/** The row shapes of the store's GoldBatch: the accumulator's output passes straight through. */
export type CounterDelta = GoldCounterRow;
export type DimCounterDelta = GoldDimCounterRow;
export type Dimension = GoldDimCounterRow['dimension'];
export type ProductDelta = GoldProductRow;
export type OrderLine = GoldOrderRow;

/** counter name -> delta, for one window (or one window x dimension value). */
type Counters = Map<string, number>;
interface ProductTotals {
  category: string | null;
  clicks: number;
  carts: number;
  units: number;
  revenue: number;
}

const TYPE_COUNTER: Record<string, string> = {};
const DIM_COUNTED = new Set(['click', 'add_to_cart', 'checkout', 'purchase']);
const DIMENSIONS: readonly Dimension[] = ['channel', 'category', 'store'];

function bump(counters: Counters, name: string, delta: number): void {
  counters.set(name, (counters.get(name) ?? 0) + delta);
}

function child<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}

export class GoldAccumulator {
  private readonly windows = new Map<number, Counters>();
  /** window -> dimension -> value -> counters */
  private readonly dims = new Map<number, Map<Dimension, Map<string, Counters>>>();
  /** window -> product id -> totals */
  private readonly products = new Map<number, Map<string, ProductTotals>>();
  private readonly orderLines: OrderLine[] = [];

  /** Adds one Silver event (valid, deduplicated, within the watermark). */
  add(event: ShopEvent, eventTimeMs: number, partition: number, offset: number): void {
    const w = windowStartOf(eventTimeMs);
    const type = event.event_type;
    const typeCounter = (TYPE_COUNTER[type] ??= `events_${type}`);
    const counters = child(this.windows, w, () => new Map());
    bump(counters, 'events_total', 1);
    bump(counters, typeCounter, 1);
    const amount = type === 'purchase' || type === 'refund' ? (event.price ?? 0) * (event.quantity ?? 0) : 0;
    if (type === 'purchase') {
      bump(counters, 'revenue', amount);
      bump(counters, 'units_purchased', event.quantity ?? 0);
      this.orderLines.push(orderLineOf(event, eventTimeMs, partition, offset));
    } else if (type === 'refund') bump(counters, 'refund_amount', amount);
    this.addDimensions(event, w, typeCounter, amount);
    if (event.product_id !== null && (type === 'click' || type === 'add_to_cart' || type === 'purchase')) {
      this.addProduct(event, w, amount);
    }
  }

  private addDimensions(event: ShopEvent, w: number, typeCounter: string, amount: number): void {
    const byDim = child(this.dims, w, () => new Map<Dimension, Map<string, Counters>>());
    const counted = DIM_COUNTED.has(event.event_type);
    for (const dimension of DIMENSIONS) {
      const value =
        dimension === 'channel' ? event.channel : dimension === 'category' ? event.category : event.store_id;
      if (value === null || value === undefined) continue;
      const counters = child(
        child(byDim, dimension, () => new Map<string, Counters>()),
        value,
        () => new Map(),
      );
      bump(counters, 'events_total', 1);
      if (counted) bump(counters, typeCounter, 1);
      if (event.event_type === 'purchase') bump(counters, 'revenue', amount);
    }
  }

  private addProduct(event: ShopEvent, w: number, amount: number): void {
    const byProduct = child(this.products, w, () => new Map<string, ProductTotals>());
    const p = child(byProduct, event.product_id!, () => ({
      category: event.category ?? null,
      clicks: 0,
      carts: 0,
      units: 0,
      revenue: 0,
    }));
    if (event.event_type === 'click') p.clicks += 1;
    else if (event.event_type === 'add_to_cart') p.carts += event.quantity ?? 1;
    else {
      p.units += event.quantity ?? 0;
      p.revenue += amount;
    }
  }

  get isEmpty(): boolean {
    return this.windows.size === 0;
  }

  counterDeltas(): CounterDelta[] {
    const out: CounterDelta[] = [];
    for (const [windowStartMs, counters] of this.windows) {
      for (const [counter, delta] of counters) out.push({ windowStartMs, counter, delta });
    }
    return out;
  }

  dimCounterDeltas(): DimCounterDelta[] {
    const out: DimCounterDelta[] = [];
    for (const [windowStartMs, byDim] of this.dims) {
      for (const [dimension, byValue] of byDim) {
        for (const [dimValue, counters] of byValue) {
          for (const [counter, delta] of counters)
            out.push({ windowStartMs, dimension, dimValue, counter, delta });
        }
      }
    }
    return out;
  }

  productDeltas(): ProductDelta[] {
    const out: ProductDelta[] = [];
    for (const [windowStartMs, byProduct] of this.products) {
      for (const [productId, p] of byProduct) out.push({ windowStartMs, productId, ...p });
    }
    return out;
  }

  orders(): readonly OrderLine[] {
    return this.orderLines;
  }
}

function orderLineOf(event: ShopEvent, eventTimeMs: number, partition: number, offset: number): OrderLine {
  return {
    orderId: event.order_id ?? '',
    userId: event.user_id,
    eventTimeMs,
    productId: event.product_id,
    quantity: event.quantity ?? 0,
    price: event.price ?? 0,
    currency: event.currency,
    channel: event.channel ?? null,
    storeId: event.store_id ?? null,
    partition,
    offset,
  };
}
