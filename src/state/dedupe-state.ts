import { IdProbe, SealedIdSegment } from './sealed-id-segment.js';
import { parseUuid, UuidMinuteTable } from './uuid-minute-table.js';

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
 * With `spill`, memory is bounded by the hot part of the horizon instead: UUIDs of minutes older
 * than `hotMs` behind the stream time are sealed, once a minute, into an on-disk segment
 * (`SealedIdSegment`: ~2 bytes of memory per id for its filter), and a segment is dropped once its
 * newest minute is out of the horizon. Lookups stay exact (the disk is read when a filter says
 * "maybe"); only non-UUID ids stay in memory.
 *
 * Delivery guarantee: the state is rebuilt on restart from the committed Silver rows of the
 * partition (see `seed`), so a duplicate arriving after a crash or restart is still dropped.
 * Segment files are a cache of that state, unlinked when created, so nothing outlives the process.
 */
const BUCKET_MS = 60_000;
/** `seed` seals the minutes behind the hot part every this many rows, so a restart stays bounded. */
const SEED_SEAL_EVERY = 65_536;

export interface DedupeSpill {
  /** Folder of the segment files (created when first needed). */
  readonly dir: string;
  /** Event time behind the stream time that stays in memory (whole minutes are sealed). */
  readonly hotMs: number;
}

export interface DedupeStats {
  /** Ids in memory (the hot part, and every non-UUID id). */
  readonly memoryIds: number;
  /** Bytes of the in-memory UUID table. */
  readonly memoryBytes: number;
  readonly sealedIds: number;
  readonly segments: number;
  /** Bytes of the sealed segments' filters (memory) and tables (disk). */
  readonly sealedMemoryBytes: number;
  readonly sealedDiskBytes: number;
  /** Segment reads on disk so far (a filter hit: a duplicate or a false positive). */
  readonly diskLookups: number;
}

export function sumDedupeStats(all: readonly DedupeStats[]): DedupeStats {
  const sum = (k: keyof DedupeStats): number => all.reduce((n, s) => n + s[k], 0);
  return {
    memoryIds: sum('memoryIds'),
    memoryBytes: sum('memoryBytes'),
    sealedIds: sum('sealedIds'),
    segments: sum('segments'),
    sealedMemoryBytes: sum('sealedMemoryBytes'),
    sealedDiskBytes: sum('sealedDiskBytes'),
    diskLookups: sum('diskLookups'),
  };
}

export class DedupeState {
  /** Canonical lowercase UUIDs (the contract's ids, nearly all of them): ~20 bytes each. */
  private readonly uuids = new UuidMinuteTable();
  /** Ids per minute bucket in `uuids` (for eviction and size). */
  private readonly uuidMinutes = new Map<number, number>();
  /** Any other id string, exactly as given (e.g. uppercase UUIDs are distinct ids). */
  private readonly others = new Set<string>();
  private readonly otherBuckets = new Map<number, string[]>();
  private oldestMinute = Number.POSITIVE_INFINITY;
  /** Sealed UUIDs, oldest first (`spill` only). */
  private segments: SealedIdSegment[] = [];
  private spilledIds = 0;
  /** Minutes below this are out of the horizon (as of the last `evict`). */
  private keepFrom = Number.NEGATIVE_INFINITY;
  /** Minutes below this are sealed (or being sealed by the next `seal`). */
  private sealedBefore = Number.NEGATIVE_INFINITY;
  private diskLookups = 0;
  private readonly probe = new IdProbe();

  constructor(
    private readonly watermarkMs: number,
    private readonly spill?: DedupeSpill,
  ) {}

  /** True when `eventId` was not seen within the watermark; records it. */
  firstSeen(eventId: string, eventTimeMs: number): boolean {
    const minute = Math.floor(eventTimeMs / BUCKET_MS);
    const id = this.probe.id;
    const uuid = minute > -0x7fffffff && minute <= 0x7fffffff && parseUuid(eventId, id);
    if (uuid && this.segments.length > 0 && this.inSegments()) return false;
    const added = uuid ? this.uuids.addKey(id, minute) : 'not_uuid';
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

  /** Whether a sealed segment holds the probe's id with a minute still inside the horizon. */
  private inSegments(): boolean {
    const probe = this.probe.load();
    for (const segment of this.segments) {
      if (!segment.mightContain(probe)) continue;
      this.diskLookups += 1;
      const minute = segment.minuteOf(probe);
      if (minute !== undefined && minute >= this.keepFrom) return true;
    }
    return false;
  }

  /**
   * Loads ids of committed Silver rows (restart recovery); same semantics as firstSeen. With
   * `spill`, seals as it goes (behind the newest event time loaded), so memory stays bounded.
   */
  seed(rows: Iterable<{ readonly eventId: string; readonly eventTimeMs: number }>): void {
    let newestMs = Number.NEGATIVE_INFINITY;
    let n = 0;
    for (const row of rows) {
      this.firstSeen(row.eventId, row.eventTimeMs);
      if (row.eventTimeMs > newestMs) newestMs = row.eventTimeMs;
      if (this.spill !== undefined && ++n % SEED_SEAL_EVERY === 0) this.seal(newestMs);
    }
    if (this.spill !== undefined && n > 0) this.seal(newestMs);
  }

  /**
   * Moves the UUIDs of whole minutes older than `hotMs` behind `streamTimeMs` to a new segment,
   * at most once per minute of stream time (late ids of sealed minutes wait for the next one).
   */
  private seal(streamTimeMs: number): void {
    const spill = this.spill!;
    const before = Math.floor((streamTimeMs - spill.hotMs) / BUCKET_MS);
    if (before <= this.sealedBefore) return;
    this.sealedBefore = before;
    let due = false;
    for (const minute of this.uuidMinutes.keys()) {
      if (minute < before) {
        this.uuidMinutes.delete(minute);
        due = true;
      }
    }
    if (!due) return;
    const records = this.uuids.takeMinutesBefore(before);
    if (records.length === 0) return;
    const segment = SealedIdSegment.write(spill.dir, records);
    this.segments.push(segment);
    this.spilledIds += segment.count;
  }

  private oldestSegmentMinute(): number {
    let oldest = Number.POSITIVE_INFINITY;
    for (const s of this.segments) if (s.maxMinute < oldest) oldest = s.maxMinute;
    return oldest;
  }

  /**
   * Drops every bucket that ends at or before `streamTimeMs - watermarkMs` (and every segment
   * whose newest minute does), then, with `spill`, seals what left the hot part. Cheap when
   * nothing is due.
   */
  evict(streamTimeMs: number): void {
    const horizonMs = streamTimeMs - this.watermarkMs;
    // Minute m's bucket ends at (m + 1) * BUCKET_MS; every minute below `keepFrom` is due.
    const keepFrom = Math.floor(horizonMs / BUCKET_MS);
    if (keepFrom > this.keepFrom) this.keepFrom = keepFrom;
    this.expire(keepFrom);
    if (this.spill !== undefined && Number.isFinite(streamTimeMs)) this.seal(streamTimeMs);
  }

  private expire(keepFrom: number): void {
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
    if (this.segments.length > 0) {
      const kept = this.segments.filter((s) => s.maxMinute >= keepFrom);
      for (const s of this.segments) {
        if (s.maxMinute >= keepFrom) continue;
        this.spilledIds -= s.count;
        s.close();
      }
      this.segments = kept;
      oldest = Math.min(oldest, this.oldestSegmentMinute());
    }
    this.oldestMinute = oldest;
  }

  /** Ids remembered: in memory and sealed (a sealed id may sit up to its segment's newest minute). */
  get size(): number {
    return this.uuids.size + this.others.size + this.spilledIds;
  }

  /** Where the state is: ids and bytes in memory and on disk, and disk reads so far. */
  get stats(): DedupeStats {
    let sealedMemoryBytes = 0;
    let sealedDiskBytes = 0;
    for (const s of this.segments) {
      sealedMemoryBytes += s.memoryBytes;
      sealedDiskBytes += s.diskBytes;
    }
    return {
      memoryIds: this.uuids.size + this.others.size,
      memoryBytes: this.uuids.bytes,
      sealedIds: this.spilledIds,
      segments: this.segments.length,
      sealedMemoryBytes,
      sealedDiskBytes,
      diskLookups: this.diskLookups,
    };
  }

  /** Closes the segment files (the state is unusable afterwards). */
  close(): void {
    for (const s of this.segments) s.close();
    this.segments = [];
    this.spilledIds = 0;
  }
}
