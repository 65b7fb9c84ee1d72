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

/** Accumulates wall time per stage, in milliseconds, across cycles. */
export class StageTimer {
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
}
