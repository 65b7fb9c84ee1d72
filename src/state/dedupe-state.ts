/**
 * Dedupe state of ONE log partition: the event_ids seen within the event-time watermark.
 *
 * Contract: `firstSeen(id, t)` returns true exactly once per event_id among events whose event
 * time is within `watermarkMs` of the partition's stream time (the largest event time accepted so
 * far); ids are evicted in whole one-minute buckets once the whole bucket is older than that
 * horizon, so memory is proportional to the events inside the watermark. Events older than the
 * horizon never reach this state: the processor quarantines them as `late_beyond_watermark`.
 *
 * Delivery guarantee: the state is rebuilt on restart from the committed Silver rows of the
 * partition (see `seed`), so a duplicate arriving after a crash or restart is still dropped.
 */
const BUCKET_MS = 60_000;

export class DedupeState {
  private readonly seen = new Map<string, number>();
  private readonly buckets = new Map<number, string[]>();
  private oldestBucketMs = Number.POSITIVE_INFINITY;

  constructor(private readonly watermarkMs: number) {}

  /** True when `eventId` was not seen within the watermark; records it. */
  firstSeen(eventId: string, eventTimeMs: number): boolean {
    if (this.seen.has(eventId)) return false;
    this.seen.set(eventId, eventTimeMs);
    const bucket = eventTimeMs - (eventTimeMs % BUCKET_MS);
    let ids = this.buckets.get(bucket);
    if (ids === undefined) {
      ids = [];
      this.buckets.set(bucket, ids);
      if (bucket < this.oldestBucketMs) this.oldestBucketMs = bucket;
    }
    ids.push(eventId);
    return true;
  }

  /** Loads ids of committed Silver rows (restart recovery); same semantics as firstSeen. */
  seed(rows: Iterable<{ readonly eventId: string; readonly eventTimeMs: number }>): void {
    for (const row of rows) this.firstSeen(row.eventId, row.eventTimeMs);
  }

  /** Drops every bucket that ends at or before `streamTimeMs - watermarkMs`. Cheap when nothing is due. */
  evict(streamTimeMs: number): void {
    const horizonMs = streamTimeMs - this.watermarkMs;
    if (this.oldestBucketMs + BUCKET_MS > horizonMs) return;
    let oldest = Number.POSITIVE_INFINITY;
    for (const [bucket, ids] of this.buckets) {
      if (bucket + BUCKET_MS <= horizonMs) {
        for (const id of ids) this.seen.delete(id);
        this.buckets.delete(bucket);
      } else if (bucket < oldest) oldest = bucket;
    }
    this.oldestBucketMs = oldest;
  }

  get size(): number {
    return this.seen.size;
  }
}
