import type { AliasSampler } from './alias-sampler.js';
import { OrderHistory, inventoryEvent, refundEvent } from './backoffice-feed.js';
import { Catalog } from './catalog.js';
import { customerProfile, returningCustomerSampler } from './customer-profiles.js';
import type { DraftEvent } from './draft-event.js';
import { EventFactory } from './event-factory.js';
import { Prng } from './prng.js';
import { stepSession, type WalkerEnv } from './session-walker.js';
import { openSession, type ShoppingSession } from './shopping-session.js';
import type { TrafficShape } from './traffic-shape.js';
import { uuidV4 } from './uuid-v4.js';

export interface TrafficOptions {
  readonly seed: number;
  readonly products: number;
  readonly customers: number;
  readonly ratePerSec: number;
  readonly startTimeMs: number;
  readonly shape: TrafficShape;
}

/** Share of slots taken by the backoffice feeds, and the visit model. */
export const TRAFFIC = {
  inventoryShare: 0.004,
  refundShare: 0.0008,
  newCustomerShare: 0.25,
  storeVisitShare: 0.02,
  /** Mean simulated seconds between two events of one visit; sets how many visits run at once. */
  thinkTimeSec: 20,
  maxConcurrentSessions: 20_000,
} as const;

/**
 * The clean event stream, in event-time order. Event "slots" arrive as a Poisson process of rate
 * ratePerSec x shape(t); each slot is one step of a visit drawn uniformly from the concurrent
 * visits (so each visit's events are ~thinkTimeSec apart and visits interleave), or a backoffice
 * event. The pool of visits tracks ratePerSec x shape(t) x thinkTimeSec (capped), and starts
 * warm: visits already under way at startTimeMs. A paid checkout yields all its order lines at
 * the slot time.
 */
export class TrafficGenerator {
  private readonly rng: Prng;
  private readonly catalog: Catalog;
  private readonly events: EventFactory;
  private readonly returning: AliasSampler;
  private readonly orders = new OrderHistory(5_000);
  private readonly pool: ShoppingSession[] = [];
  private readonly pending: DraftEvent[] = [];
  private pendingAt = 0;
  private slotMs: number;
  private newCustomers = 0;
  private warming = true;
  private readonly env: { -readonly [K in keyof WalkerEnv]: WalkerEnv[K] };

  constructor(private readonly options: TrafficOptions) {
    this.rng = new Prng(options.seed, 2);
    this.catalog = new Catalog(options.products, options.seed);
    this.events = new EventFactory(this.rng, this.catalog);
    this.returning = returningCustomerSampler(options.customers);
    this.slotMs = options.startTimeMs;
    this.env = {
      rng: this.rng,
      catalog: this.catalog,
      events: this.events,
      purchasesWork: true,
      onOrderLine: (line) => {
        if (!this.warming) this.orders.remember(line);
      },
    };
    this.warmUp();
    this.warming = false;
  }

  /** Event time of the event next() returns. */
  peekTimeMs(): number {
    const head = this.pending[this.pendingAt];
    return head === undefined ? Math.floor(this.slotMs) : head.event_time_ms;
  }

  next(): DraftEvent {
    while (this.pendingAt >= this.pending.length) this.fillSlot();
    const e = this.pending[this.pendingAt++] as DraftEvent;
    if (this.pendingAt === this.pending.length) {
      this.pending.length = 0;
      this.pendingAt = 0;
    }
    return e;
  }

  private fillSlot(): void {
    const timeMs = Math.floor(this.slotMs);
    const factor = this.options.shape.factorAt(timeMs);
    this.slotMs += this.rng.exponential(1000 / (this.options.ratePerSec * factor));
    const u = this.rng.float();
    if (u < TRAFFIC.inventoryShare) {
      this.pending.push(inventoryEvent(this.catalog, timeMs, this.rng, this.events));
      return;
    }
    const paid = u < TRAFFIC.inventoryShare + TRAFFIC.refundShare ? this.orders.pick(this.rng) : undefined;
    if (paid !== undefined) {
      this.pending.push(refundEvent(paid, timeMs, this.rng, this.events));
      return;
    }
    this.env.purchasesWork = this.options.shape.purchasesWork(timeMs);
    this.stepAVisit(timeMs, this.targetPoolSize(factor));
  }

  private stepAVisit(timeMs: number, target: number): void {
    while (this.pending.length === 0) {
      const spawn = this.pool.length < target;
      const index = spawn ? this.pool.push(this.openVisit()) - 1 : this.rng.int(this.pool.length);
      const visit = this.pool[index] as ShoppingSession;
      if (!stepSession(visit, timeMs, this.env, this.pending)) this.closeVisit(index);
    }
  }

  private targetPoolSize(factor: number): number {
    const wanted = Math.round(this.options.ratePerSec * factor * TRAFFIC.thinkTimeSec);
    return Math.max(1, Math.min(TRAFFIC.maxConcurrentSessions, wanted));
  }

  private closeVisit(index: number): void {
    const last = this.pool.pop() as ShoppingSession;
    if (index < this.pool.length) this.pool[index] = last;
  }

  private openVisit(): ShoppingSession {
    const rng = this.rng;
    const index = rng.chance(TRAFFIC.newCustomerShare)
      ? this.options.customers + ++this.newCustomers
      : this.returning.sample(rng) + 1;
    return openSession({
      customer: customerProfile(index, this.options.seed),
      sessionId: uuidV4(rng),
      inStore: rng.chance(TRAFFIC.storeVisitShare),
      interest: this.catalog.sampleCategory(rng),
      storeRoll: rng.float(),
    });
  }

  /** Fills the pool with visits 0..4 steps under way; their earlier events are not emitted. */
  private warmUp(): void {
    const target = this.targetPoolSize(this.options.shape.factorAt(this.options.startTimeMs));
    const discard: DraftEvent[] = [];
    while (this.pool.length < target) {
      const visit = this.openVisit();
      let alive = true;
      for (let steps = this.rng.int(5); steps > 0 && alive; steps--)
        alive = stepSession(visit, this.slotMs, this.env, discard);
      if (alive) this.pool.push(visit);
      discard.length = 0;
    }
  }
}
