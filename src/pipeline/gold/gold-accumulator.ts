import type { ShopEvent } from '../../contract/event.js';
import { windowStartOf } from './minute-window.js';

/**
 * Accumulates the Gold deltas of one processor batch: additive base counters per one-minute
 * event-time window, per dimension (channel, category, store), per product, and the order lines
 * of purchases. Only additive quantities live here; ratios (aov, rates) are derived from the summed
 * counters by the serving store, never averaged (see docs/delivery-guarantees.md).
 *
 * Counters per window: events_total, events_<type> for every event type, revenue (sum of
 * price x quantity over purchases), units_purchased, refund_amount (price x quantity of refunds).
 */
export interface CounterDelta {
  readonly windowStartMs: number;
  readonly counter: string;
  readonly delta: number;
}
export interface DimCounterDelta extends CounterDelta {
  readonly dimension: 'channel' | 'category' | 'store';
  readonly dimValue: string;
}
export interface ProductDelta {
  readonly windowStartMs: number;
  readonly productId: string;
  readonly category: string | null;
  readonly clicks: number;
  readonly carts: number;
  readonly units: number;
  readonly revenue: number;
}
export interface OrderLine {
  readonly orderId: string;
  readonly userId: string;
  readonly eventTimeMs: number;
  readonly productId: string | null;
  readonly quantity: number;
  readonly price: number;
  readonly currency: string | null;
  readonly channel: string | null;
  readonly storeId: string | null;
  readonly partition: number;
  readonly offset: number;
}

const DIM_COUNTED = new Set(['click', 'add_to_cart', 'checkout', 'purchase']);

export class GoldAccumulator {
  private readonly counters = new Map<string, number>();
  private readonly dims = new Map<string, number>();
  private readonly products = new Map<string, { clicks: number; carts: number; units: number; revenue: number }>();
  private readonly orderLines: OrderLine[] = [];

  /** Adds one Silver event (valid, deduplicated, within the watermark). */
  add(event: ShopEvent, eventTimeMs: number, partition: number, offset: number): void {
    const w = windowStartOf(eventTimeMs);
    const type = event.event_type;
    this.bump(this.counters, `${w}|events_total`, 1);
    this.bump(this.counters, `${w}|events_${type}`, 1);
    const amount = type === 'purchase' || type === 'refund' ? (event.price ?? 0) * (event.quantity ?? 0) : 0;
    if (type === 'purchase') {
      this.bump(this.counters, `${w}|revenue`, amount);
      this.bump(this.counters, `${w}|units_purchased`, event.quantity ?? 0);
      this.orderLines.push(orderLineOf(event, eventTimeMs, partition, offset));
    } else if (type === 'refund') this.bump(this.counters, `${w}|refund_amount`, amount);
    this.addDimensions(event, w, type, amount);
    if (event.product_id !== null && (type === 'click' || type === 'add_to_cart' || type === 'purchase')) {
      this.addProduct(event, w, type, amount);
    }
  }

  private addDimensions(event: ShopEvent, w: number, type: string, amount: number): void {
    const values: Array<[string, string | null | undefined]> = [
      ['channel', event.channel],
      ['category', event.category],
      ['store', event.store_id],
    ];
    for (const [dimension, value] of values) {
      if (value === null || value === undefined) continue;
      const prefix = `${w}|${dimension}|${value}|`;
      this.bump(this.dims, prefix + 'events_total', 1);
      if (DIM_COUNTED.has(type)) this.bump(this.dims, prefix + `events_${type}`, 1);
      if (type === 'purchase') this.bump(this.dims, prefix + 'revenue', amount);
    }
  }

  private addProduct(event: ShopEvent, w: number, type: string, amount: number): void {
    const key = `${w}|${event.product_id}|${event.category ?? ''}`;
    let p = this.products.get(key);
    if (p === undefined) {
      p = { clicks: 0, carts: 0, units: 0, revenue: 0 };
      this.products.set(key, p);
    }
    if (type === 'click') p.clicks += 1;
    else if (type === 'add_to_cart') p.carts += event.quantity ?? 1;
    else {
      p.units += event.quantity ?? 0;
      p.revenue += amount;
    }
  }

  private bump(map: Map<string, number>, key: string, delta: number): void {
    map.set(key, (map.get(key) ?? 0) + delta);
  }

  get isEmpty(): boolean {
    return this.counters.size === 0;
  }

  counterDeltas(): CounterDelta[] {
    return [...this.counters].map(([key, delta]) => {
      const [w, counter] = key.split('|') as [string, string];
      return { windowStartMs: Number(w), counter, delta };
    });
  }

  dimCounterDeltas(): DimCounterDelta[] {
    return [...this.dims].map(([key, delta]) => {
      const [w, dimension, dimValue, counter] = splitDimKey(key);
      return { windowStartMs: Number(w), dimension: dimension as DimCounterDelta['dimension'], dimValue, counter, delta };
    });
  }

  productDeltas(): ProductDelta[] {
    return [...this.products].map(([key, p]) => {
      const first = key.indexOf('|');
      const last = key.lastIndexOf('|');
      const category = key.slice(last + 1);
      return {
        windowStartMs: Number(key.slice(0, first)),
        productId: key.slice(first + 1, last),
        category: category === '' ? null : category,
        ...p,
      };
    });
  }

  orders(): readonly OrderLine[] {
    return this.orderLines;
  }
}

/** Dimension values may contain '|': the window and dimension are the first two fields, the counter the last. */
function splitDimKey(key: string): [string, string, string, string] {
  const a = key.indexOf('|');
  const b = key.indexOf('|', a + 1);
  const z = key.lastIndexOf('|');
  return [key.slice(0, a), key.slice(a + 1, b), key.slice(b + 1, z), key.slice(z + 1)];
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
