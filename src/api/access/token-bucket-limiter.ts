/**
 * Per-client token buckets: each client may spend `capacity` requests at once and regains
 * `capacity` tokens per `refillWindowMs` (continuous refill). Memory is bounded: buckets that are
 * full again are dropped by a sweep once more than `maxClients` are tracked.
 */
export interface TakeResult {
  readonly allowed: boolean;
  readonly remaining: number;
  /** When not allowed: milliseconds until one token is available. */
  readonly retryAfterMs: number;
}

interface Bucket {
  tokens: number;
  updatedAtMs: number;
}

export class TokenBucketLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly tokensPerMs: number;

  constructor(
    private readonly capacity: number,
    refillWindowMs: number,
    private readonly maxClients = 10_000,
  ) {
    this.tokensPerMs = capacity / refillWindowMs;
  }

  take(clientId: string, nowMs: number): TakeResult {
    const bucket = this.refilled(clientId, nowMs);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, remaining: Math.floor(bucket.tokens), retryAfterMs: 0 };
    }
    return { allowed: false, remaining: 0, retryAfterMs: Math.ceil((1 - bucket.tokens) / this.tokensPerMs) };
  }

  private refilled(clientId: string, nowMs: number): Bucket {
    let bucket = this.buckets.get(clientId);
    if (bucket === undefined) {
      if (this.buckets.size >= this.maxClients) this.sweep(nowMs);
      bucket = { tokens: this.capacity, updatedAtMs: nowMs };
      this.buckets.set(clientId, bucket);
      return bucket;
    }
    const elapsedMs = Math.max(0, nowMs - bucket.updatedAtMs);
    bucket.tokens = Math.min(this.capacity, bucket.tokens + elapsedMs * this.tokensPerMs);
    bucket.updatedAtMs = nowMs;
    return bucket;
  }

  private sweep(nowMs: number): void {
    for (const [id, b] of this.buckets) {
      if (b.tokens + (nowMs - b.updatedAtMs) * this.tokensPerMs >= this.capacity) this.buckets.delete(id);
    }
    // Still full of active clients: forget the oldest half rather than grow without bound.
    if (this.buckets.size >= this.maxClients) {
      const drop = [...this.buckets.keys()].slice(0, Math.ceil(this.maxClients / 2));
      for (const id of drop) this.buckets.delete(id);
    }
  }

  get trackedClients(): number {
    return this.buckets.size;
  }
}
