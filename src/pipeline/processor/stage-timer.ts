import { ROOT_CONTEXT, trace, type Span, type Tracer } from '@opentelemetry/api';
import { failSpan } from '../../observability/trace-context.js';

/** The stages whose time the processor reports (`shopstream status`, the benchmark). */
export const STAGES = [
  'read',
  'parse',
  'validate',
  'dedupe',
  'aggregate',
  'lakeWrite',
  'lakeCommit',
  'storeCommit',
] as const;
export type Stage = (typeof STAGES)[number];

/** Times a stage: adds its duration to the processor's totals (and traces it, when tracing). */
export interface StageClock {
  time<T>(stage: Stage, fn: () => T): T;
  timeAsync<T>(stage: Stage, fn: () => Promise<T>): Promise<T>;
}

/** Accumulates wall time per stage, in milliseconds, across cycles. */
export class StageTimer implements StageClock {
  private readonly totals = new Map<Stage, number>(STAGES.map((s) => [s, 0]));

  /** Runs `fn` and adds its duration to `stage`. */
  time<T>(stage: Stage, fn: () => T): T {
    const t0 = performance.now();
    try {
      return fn();
    } finally {
      this.add(stage, performance.now() - t0);
    }
  }

  async timeAsync<T>(stage: Stage, fn: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      this.add(stage, performance.now() - t0);
    }
  }

  add(stage: Stage, ms: number): void {
    this.totals.set(stage, (this.totals.get(stage) ?? 0) + ms);
  }

  snapshot(): Record<Stage, number> {
    return Object.fromEntries(STAGES.map((s) => [s, Math.round(this.totals.get(s) ?? 0)])) as Record<
      Stage,
      number
    >;
  }

  /**
   * The clock of one traced unit of work: every stage timed through it is also a child span of
   * `parent` (`processor.<stage>`, error status when it throws). An unrecorded parent (tracing off,
   * not sampled) gets this timer itself, so the untraced path is the same code as before.
   */
  within(tracer: Tracer, parent: Span): StageClock {
    if (!parent.isRecording()) return this;
    const ctx = trace.setSpan(ROOT_CONTEXT, parent);
    const child = (stage: Stage) => tracer.startSpan(stageSpanName(stage), undefined, ctx);
    return {
      time: (stage, fn) => {
        const span = child(stage);
        try {
          return this.time(stage, fn);
        } catch (err) {
          failSpan(span, err);
          throw err;
        } finally {
          span.end();
        }
      },
      timeAsync: async (stage, fn) => {
        const span = child(stage);
        try {
          return await this.timeAsync(stage, fn);
        } catch (err) {
          failSpan(span, err);
          throw err;
        } finally {
          span.end();
        }
      },
    };
  }
}

/** `lakeWrite` -> `processor.lake_write`. */
export function stageSpanName(stage: Stage): string {
  return `processor.${stage.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`;
}
