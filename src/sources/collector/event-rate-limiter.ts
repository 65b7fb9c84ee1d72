/**
 * Per-client token buckets counted in events: a client may send `eventsPerSec` events at once and
 * regains `eventsPerSec` tokens per second (continuous refill). A request larger than the whole
 * bucket passes when the bucket is full and drives it negative, so big batches are slowed, never
 * refused forever. Memory is bounded: past `maxClients` buckets, refilled ones are forgotten.
 */
export interface RateDecision {
  readonly allowed: boolean;
  /** When not allowed: milliseconds until the request would pass. */
  readonly retryAfterMs: number;
}

interface Bucket {
  tokens: number;
  updatedAtMs: number;
}

export class EventRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly tokensPerMs: number;

  constructor(
    private readonly eventsPerSec: number,
    private readonly maxClients = 10_000,
  ) {
    this.tokensPerMs = eventsPerSec / 1000;
  }

  take(clientId: string, events: number, nowMs: number): RateDecision {
    const bucket = this.refilled(clientId, nowMs);
    const needed = Math.min(events, this.eventsPerSec);
    if (bucket.tokens >= needed) {
      bucket.tokens -= events;
      return { allowed: true, retryAfterMs: 0 };
    }
    return { allowed: false, retryAfterMs: Math.ceil((needed - bucket.tokens) / this.tokensPerMs) };
  }

  private refilled(clientId: string, nowMs: number): Bucket {
    let bucket = this.buckets.get(clientId);
    if (bucket === undefined) {
      if (this.buckets.size >= this.maxClients) this.sweep(nowMs);
      bucket = { tokens: this.eventsPerSec, updatedAtMs: nowMs };
      this.buckets.set(clientId, bucket);
      return bucket;
    }
    bucket.tokens = Math.min(
      this.eventsPerSec,
      bucket.tokens + Math.max(0, nowMs - bucket.updatedAtMs) * this.tokensPerMs,
    );
    bucket.updatedAtMs = nowMs;
    return bucket;
  }

  private sweep(nowMs: number): void {
    for (const [id, b] of this.buckets) {
      if (b.tokens + (nowMs - b.updatedAtMs) * this.tokensPerMs >= this.eventsPerSec) this.buckets.delete(id);
    }
    if (this.buckets.size < this.maxClients) return;
    for (const id of [...this.buckets.keys()].slice(0, Math.ceil(this.maxClients / 2)))
      this.buckets.delete(id);
  }
}
