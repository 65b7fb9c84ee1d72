import { UuidMinuteTable } from './uuid-minute-table.js';

/**
 * Dedupe state of ONE log partition: the event_ids seen within the event-time watermark.
 *
 * Contract: `firstSeen(id, t)` returns true exactly once per event_id among events whose event
 * time is within `watermarkMs` of the partition's stream time (the largest event time accepted so
 * far); ids are evicted in whole one-minute buckets once the whole bucket is older than that
 * horizon, so memory is proportional to the events inside the watermark: 20-60 bytes per
 * canonical UUID (`UuidMinuteTable`), a JS string for any other id. Events older than the horizon
 * never reach this state: the processor quarantines them as `late_beyond_watermark`.
 *
 * Delivery guarantee: the state is rebuilt on restart from the committed Silver rows of the
 * partition (see `seed`), so a duplicate arriving after a crash or restart is still dropped.
 */
const BUCKET_MS = 60_000;

export class DedupeState {
  /** Canonical lowercase UUIDs (the contract's ids, nearly all of them): ~20 bytes each. */
  private readonly uuids = new UuidMinuteTable();
  /** Ids per minute bucket in `uuids` (for eviction and size). */
  private readonly uuidMinutes = new Map<number, number>();
  /** Any other id string, exactly as given (e.g. uppercase UUIDs are distinct ids). */
  private readonly others = new Set<string>();
  private readonly otherBuckets = new Map<number, string[]>();
  private oldestMinute = Number.POSITIVE_INFINITY;

  constructor(private readonly watermarkMs: number) {}

  /** True when `eventId` was not seen within the watermark; records it. */
  firstSeen(eventId: string, eventTimeMs: number): boolean {
    const minute = Math.floor(eventTimeMs / BUCKET_MS);
    const added = this.uuids.add(eventId, minute);
    if (added === 'present') return false;
    if (added === 'added') {
      this.uuidMinutes.set(minute, (this.uuidMinutes.get(minute) ?? 0) + 1);
    } else {
      if (this.others.has(eventId)) return false;
      this.others.add(eventId);
      const ids = this.otherBuckets.get(minute);
      if (ids === undefined) this.otherBuckets.set(minute, [eventId]);
      else ids.push(eventId);
    }
    if (minute < this.oldestMinute) this.oldestMinute = minute;
    return true;
  }

  /** Loads ids of committed Silver rows (restart recovery); same semantics as firstSeen. */
  seed(rows: Iterable<{ readonly eventId: string; readonly eventTimeMs: number }>): void {
    for (const row of rows) this.firstSeen(row.eventId, row.eventTimeMs);
  }

  /** Drops every bucket that ends at or before `streamTimeMs - watermarkMs`. Cheap when nothing is due. */
  evict(streamTimeMs: number): void {
    const horizonMs = streamTimeMs - this.watermarkMs;
    // Minute m's bucket ends at (m + 1) * BUCKET_MS; every minute below `keepFrom` is due.
    const keepFrom = Math.floor(horizonMs / BUCKET_MS);
    if (this.oldestMinute >= keepFrom) return;
    let oldest = Number.POSITIVE_INFINITY;
    let uuidsDue = false;
    for (const minute of this.uuidMinutes.keys()) {
      if (minute < keepFrom) {
        this.uuidMinutes.delete(minute);
        uuidsDue = true;
      } else if (minute < oldest) oldest = minute;
    }
    if (uuidsDue) this.uuids.removeMinutesBefore(keepFrom);
    for (const [minute, ids] of this.otherBuckets) {
      if (minute < keepFrom) {
        for (const id of ids) this.others.delete(id);
        this.otherBuckets.delete(minute);
      } else if (minute < oldest) oldest = minute;
    }
    this.oldestMinute = oldest;
  }

  get size(): number {
    return this.uuids.size + this.others.size;
  }
}
