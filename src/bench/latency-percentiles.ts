export interface Percentiles {
  readonly count: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** Nearest-rank percentiles of `samplesMs` (sorted in place); zeros when empty. */
export function percentiles(samplesMs: Float64Array): Percentiles {
  const n = samplesMs.length;
  if (n === 0) return { count: 0, p50Ms: 0, p95Ms: 0, p99Ms: 0, maxMs: 0 };
  samplesMs.sort();
  const at = (p: number) => Math.round(samplesMs[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))]!);
  return { count: n, p50Ms: at(0.5), p95Ms: at(0.95), p99Ms: at(0.99), maxMs: Math.round(samplesMs[n - 1]!) };
}

/** A growable list of float samples (avoids boxing hundreds of thousands of numbers). */
export class SampleList {
  private data = new Float64Array(1024);
  private size = 0;

  push(value: number): void {
    if (this.size === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.size++] = value;
  }

  get length(): number {
    return this.size;
  }

  /** A copy of the samples. */
  toArray(): Float64Array {
    return this.data.slice(0, this.size);
  }
}
