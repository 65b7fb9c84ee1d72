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

/** Whole milliseconds counted one by one below this; larger samples are kept as they are. */
const HISTOGRAM_EXACT_MS = 10_000;

/**
 * Latency samples in constant memory: a count per whole millisecond up to 10 s (40 KB), the rare
 * larger ones kept in a list. Its percentiles equal `percentiles()` over the same samples (which
 * rounds to whole ms), so a long run's bookkeeping does not grow with its events.
 */
export class LatencyHistogram {
  private readonly counts = new Uint32Array(HISTOGRAM_EXACT_MS);
  private readonly large = new SampleList();
  private size = 0;

  push(valueMs: number): void {
    const ms = Math.max(0, Math.round(valueMs));
    if (ms < HISTOGRAM_EXACT_MS) this.counts[ms]! += 1;
    else this.large.push(ms);
    this.size += 1;
  }

  get count(): number {
    return this.size;
  }

  /** Nearest-rank p50/p95/p99/max; zeros when empty. */
  percentiles(): Percentiles {
    const n = this.size;
    if (n === 0) return { count: 0, p50Ms: 0, p95Ms: 0, p99Ms: 0, maxMs: 0 };
    const large = this.large.toArray().sort();
    const rank = (p: number) => Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1));
    const at = (k: number): number => {
      let seen = 0;
      for (let ms = 0; ms < HISTOGRAM_EXACT_MS; ms++) {
        seen += this.counts[ms]!;
        if (seen > k) return ms;
      }
      return large[k - seen]!;
    };
    return { count: n, p50Ms: at(rank(0.5)), p95Ms: at(rank(0.95)), p99Ms: at(rank(0.99)), maxMs: at(n - 1) };
  }
}
