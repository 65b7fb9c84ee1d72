/**
 * Events per second from successive readings of a monotonic counter (the sum of committed
 * offsets): (newest - oldest) / elapsed over the readings of the last `spanMs`. Null until two
 * readings at least `minSpanMs` apart exist.
 */
export class OffsetRateSampler {
  private readonly samples: { atMs: number; total: number }[] = [];

  constructor(
    private readonly spanMs = 10_000,
    private readonly minSpanMs = 900,
  ) {}

  record(atMs: number, total: number): void {
    const last = this.samples[this.samples.length - 1];
    if (last !== undefined && total < last.total) this.samples.length = 0; // counter reset (store recreated)
    this.samples.push({ atMs, total });
    while (this.samples.length > 2 && atMs - this.samples[1]!.atMs >= this.spanMs) this.samples.shift();
  }

  ratePerSec(): number | null {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (first === undefined || last === undefined || last.atMs - first.atMs < this.minSpanMs) return null;
    return ((last.total - first.total) * 1000) / (last.atMs - first.atMs);
  }
}
