import type { EventType } from '../../contract/event.js';
import { FaultInjector, type SimulatedRecord } from './fault-injector.js';
import { Prng } from './prng.js';
import { checkSimulatorOptions, type SimulatorOptions } from './simulator-options.js';
import { TrafficGenerator } from './traffic-generator.js';
import { TrafficShape } from './traffic-shape.js';

export interface SimulatorStats {
  /** Records delivered so far (everything nextBatch returned). */
  readonly generated: number;
  readonly invalid: number;
  readonly duplicates: number;
  readonly late: number;
  readonly outOfOrder: number;
  /** Clean events generated per type (before fault injection; invalid ones included). */
  readonly byType: Readonly<Partial<Record<EventType, number>>>;
}

export interface Simulator {
  /**
   * Up to `maxEvents` records, in delivery order. Batch mode: fewer only at the end of the stream.
   * Realtime mode: only what is due by the wall clock (possibly none); call again later.
   */
  nextBatch(maxEvents: number): SimulatedRecord[];
  /** True when the stream has ended (count reached, or duration elapsed and everything delivered). */
  done(): boolean;
  stats(): SimulatorStats;
}

/** Deterministic for given options (and, in realtime mode, the wall clock readings). */
export function createSimulator(options: SimulatorOptions): Simulator {
  checkSimulatorOptions(options);
  return new StreamSimulator(options);
}

class StreamSimulator implements Simulator {
  private readonly traffic: TrafficGenerator;
  private readonly faults: FaultInjector;
  private readonly limit: number;
  private readonly endMs: number;
  private readonly nowMs: () => number;
  private carry: SimulatedRecord[] = [];
  private readonly byType: Partial<Record<EventType, number>> = {};
  private cleanEnded = false;

  constructor(private readonly options: SimulatorOptions) {
    const o = options;
    this.limit = o.count ?? Number.POSITIVE_INFINITY;
    this.endMs =
      o.durationSec === undefined ? Number.POSITIVE_INFINITY : o.startTimeMs + o.durationSec * 1000;
    const scenarioStartMs = o.startTimeMs + o.scenarioStartSec * 1000;
    const shape = new TrafficShape(o.trafficShape, {
      kind: o.scenario,
      startMs: scenarioStartMs,
      endMs: scenarioStartMs + o.scenarioDurationSec * 1000,
      spikeFactor: o.spikeFactor,
    });
    this.traffic = new TrafficGenerator({ ...o, shape });
    this.faults = new FaultInjector(o, new Prng(o.seed, 3));
    this.nowMs = o.nowMs ?? Date.now;
  }

  nextBatch(maxEvents: number): SimulatedRecord[] {
    const max = Math.max(0, Math.floor(maxEvents));
    const out = this.carry;
    this.carry = [];
    const dueMs = this.options.mode === 'realtime' ? this.nowMs() : Number.POSITIVE_INFINITY;
    while (out.length < max && !this.cleanEnded) {
      const room = this.limit - this.faults.delivered - this.faults.holding;
      if (room <= 0 || this.traffic.peekTimeMs() >= this.endMs) this.cleanEnded = true;
      else if (this.traffic.peekTimeMs() > dueMs) break;
      else this.generateOne(out, room);
    }
    if (this.cleanEnded && out.length < max) this.faults.flush(out);
    if (out.length > max) this.carry = out.splice(max);
    return out;
  }

  done(): boolean {
    return this.cleanEnded && this.faults.holding === 0 && this.carry.length === 0;
  }

  stats(): SimulatorStats {
    const c = this.faults.counts;
    return {
      generated: this.faults.delivered - this.carry.length,
      invalid: c.invalid,
      duplicates: c.duplicates,
      late: c.late,
      outOfOrder: c.outOfOrder,
      byType: { ...this.byType },
    };
  }

  private generateOne(out: SimulatedRecord[], room: number): void {
    const d = this.traffic.next();
    this.byType[d.event_type] = (this.byType[d.event_type] ?? 0) + 1;
    this.faults.inject(d, out, room);
  }
}
