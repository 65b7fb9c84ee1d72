import { toShopEvent, type DraftEvent } from './draft-event.js';
import { EventLineSerializer } from './event-line-serializer.js';
import { breakOneRule } from './invalid-event-mutations.js';
import type { Prng } from './prng.js';
import { ReleaseQueue } from './release-queue.js';

/** One record for the log: the NDJSON line and its partition key (user_id; null for garbage). */
export interface SimulatedRecord {
  readonly key: string | null;
  readonly line: string;
}

export interface FaultOptions {
  readonly invalidPct: number;
  readonly duplicatePct: number;
  readonly latePct: number;
  readonly lateMaxMs: number;
  readonly outOfOrderPct: number;
  readonly outOfOrderWindowEvents: number;
}

export interface FaultCounts {
  invalid: number;
  duplicates: number;
  late: number;
  outOfOrder: number;
}

const RECENT_CAPACITY = 2048;
const RESERVOIR_CAPACITY = 1024;

/**
 * Turns clean events into delivered records with faults, each decided independently per event:
 * - invalid (invalidPct): the record breaks one contract rule instead of carrying the event;
 * - late (latePct, exclusive with invalid): event_time moved back by 10%..100% of lateMaxMs while
 *   ingest_time and the delivery position stay;
 * - out of order (outOfOrderPct): delivered 1..outOfOrderWindowEvents records after its place;
 * - duplicate (duplicatePct): after it, an earlier valid record is re-sent verbatim (same
 *   event_id): 75% from the last 2,048 records, 25% from a uniform sample of the whole stream.
 */
export class FaultInjector {
  readonly counts: FaultCounts = { invalid: 0, duplicates: 0, late: 0, outOfOrder: 0 };
  private readonly serializer = new EventLineSerializer();
  private readonly held = new ReleaseQueue<SimulatedRecord>();
  private readonly recent: SimulatedRecord[] = [];
  private readonly reservoir: SimulatedRecord[] = [];
  private remembered = 0;
  /** Records delivered so far. */
  delivered = 0;

  constructor(
    private readonly options: FaultOptions,
    private readonly rng: Prng,
  ) {}

  /** Records held back for out-of-order delivery. */
  get holding(): number {
    return this.held.size;
  }

  /**
   * Delivers `d` (and maybe a duplicate) to `out`. `room` is how many more records the stream
   * may still produce counting held ones; a duplicate is only added when room >= 2.
   */
  inject(d: DraftEvent, out: SimulatedRecord[], room: number): void {
    const o = this.options;
    const u = this.rng.float() * 100;
    let record: SimulatedRecord;
    if (u < o.invalidPct) {
      this.counts.invalid++;
      record = breakOneRule(toShopEvent(d), this.serializer.serialize(d), this.rng);
    } else {
      if (u < o.invalidPct + o.latePct) {
        this.counts.late++;
        d.event_time_ms -= Math.floor(o.lateMaxMs * (0.1 + 0.9 * this.rng.float()));
      }
      record = { key: d.user_id, line: this.serializer.serialize(d) };
      this.remember(record);
    }
    if (o.outOfOrderPct > 0 && this.rng.float() * 100 < o.outOfOrderPct) {
      this.counts.outOfOrder++;
      this.held.hold(record, this.delivered + this.rng.between(1, o.outOfOrderWindowEvents));
    } else {
      this.deliver(record, out);
    }
    if (o.duplicatePct > 0 && room >= 2 && this.rng.float() * 100 < o.duplicatePct && this.remembered > 0) {
      this.counts.duplicates++;
      this.deliver(this.pickEarlier(), out);
    }
  }

  /** Delivers every held record, earliest due first. */
  flush(out: SimulatedRecord[]): void {
    for (let r = this.held.pop(); r !== undefined; r = this.held.pop()) this.push(r, out);
  }

  private deliver(record: SimulatedRecord, out: SimulatedRecord[]): void {
    this.push(record, out);
    for (
      let r = this.held.releaseDue(this.delivered);
      r !== undefined;
      r = this.held.releaseDue(this.delivered)
    ) {
      this.push(r, out);
    }
  }

  private push(record: SimulatedRecord, out: SimulatedRecord[]): void {
    out.push(record);
    this.delivered++;
  }

  private remember(record: SimulatedRecord): void {
    if (this.options.duplicatePct === 0) return;
    const n = this.remembered++;
    this.recent[n % RECENT_CAPACITY] = record;
    if (n < RESERVOIR_CAPACITY) this.reservoir.push(record);
    else {
      const j = this.rng.int(n + 1);
      if (j < RESERVOIR_CAPACITY) this.reservoir[j] = record;
    }
  }

  private pickEarlier(): SimulatedRecord {
    const pool = this.rng.chance(0.75) ? this.recent : this.reservoir;
    return pool[this.rng.int(pool.length)] as SimulatedRecord;
  }
}
