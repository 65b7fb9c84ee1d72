import { mkdir, open, readdir, stat } from 'node:fs/promises';
import { ShopError } from '../../errors/index.js';
import type { LogRecord } from '../event-log.js';
import { syncDirectory } from './atomic-file.js';
import { scanSegment } from './segment-scan.js';
import { Segment, parseSegmentFileName, type ReadBudget } from './segment.js';

export interface PartitionLogOptions {
  readonly writable: boolean;
  readonly segmentBytes: number;
  readonly syncOnRoll: boolean;
  /** Called once per torn tail cut off on open (write mode). */
  readonly onTruncate: (event: TruncateEvent) => void;
}

export interface TruncateEvent {
  readonly path: string;
  readonly validBytes: number;
  readonly truncatedBytes: number;
  readonly reason: string;
}

/**
 * One partition: an ordered list of segments; only the last (active) one is appended to.
 * Invariant: segment i's nextOffset equals segment i+1's baseOffset.
 */
export class PartitionLog {
  private segments: Segment[] = [];
  /** Bytes cut off torn tails when this partition was opened. */
  truncatedBytes = 0;

  private constructor(
    readonly dir: string,
    readonly partition: number,
    private readonly options: PartitionLogOptions,
  ) {}

  static async open(dir: string, partition: number, options: PartitionLogOptions): Promise<PartitionLog> {
    const log = new PartitionLog(dir, partition, options);
    if (options.writable) await mkdir(dir, { recursive: true });
    try {
      await log.load();
    } catch (err) {
      await log.close();
      throw err;
    }
    return log;
  }

  get firstOffset(): number {
    return this.segments[0]?.baseOffset ?? 0;
  }

  get nextOffset(): number {
    return this.active?.nextOffset ?? 0;
  }

  get sizeBytes(): number {
    return this.segments.reduce((sum, s) => sum + s.sizeBytes, 0);
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  private get active(): Segment | undefined {
    return this.segments[this.segments.length - 1];
  }

  private async load(): Promise<void> {
    const bases = await this.listSegmentBases();
    for (const [i, base] of bases.entries()) await this.loadSegment(base, i === bases.length - 1);
    if (this.segments.length === 0 && this.options.writable) await this.createSegment(0);
  }

  private async listSegmentBases(): Promise<number[]> {
    const names = await readdir(this.dir).catch((cause: NodeJS.ErrnoException) => {
      if (cause.code === 'ENOENT') return [];
      throw new ShopError('SHOP_LOG_IO', `cannot list ${this.dir}`, { cause });
    });
    return names.flatMap((n) => parseSegmentFileName(n) ?? []).sort((a, b) => a - b);
  }

  private async loadSegment(base: number, isTail: boolean): Promise<void> {
    const previous = this.active;
    if (previous && previous.nextOffset !== base) {
      throw new ShopError(
        'SHOP_LOG_CORRUPT',
        `${this.dir}: segment ${base} does not follow offset ${previous.nextOffset}`,
      );
    }
    const segment = new Segment(this.dir, base, this.options.writable);
    this.segments.push(segment);
    await this.scanFrom(segment, 0, isTail);
  }

  /** Scans `segment` from `position` (its current valid end) to the end of its file. */
  private async scanFrom(segment: Segment, position: number, isTail: boolean): Promise<void> {
    const handle = await segment.file();
    const fileBytes = (await handle.stat()).size;
    const start = { position, nextOffset: segment.nextOffset, maxTimestampMs: segment.maxTimestampMs };
    const result = await scanSegment(handle, fileBytes, start, segment.index, isTail);
    segment.sizeBytes = result.validBytes;
    segment.nextOffset = result.nextOffset;
    segment.maxTimestampMs = result.maxTimestampMs;
    if (result.invalid === undefined) return;
    if (!isTail || result.invalid.followedByValidBatch)
      throw segment.corrupt(result.validBytes, result.invalid.reason);
    if (!this.options.writable) return;
    await handle.truncate(result.validBytes);
    await handle.sync();
    const truncatedBytes = fileBytes - result.validBytes;
    this.truncatedBytes += truncatedBytes;
    this.options.onTruncate({
      path: segment.path,
      validBytes: result.validBytes,
      truncatedBytes,
      reason: result.invalid.reason,
    });
  }

  private async createSegment(baseOffset: number): Promise<Segment> {
    const segment = new Segment(this.dir, baseOffset, true);
    try {
      await (await open(segment.path, 'w')).close();
      if (this.options.syncOnRoll) await syncDirectory(this.dir);
    } catch (cause) {
      throw new ShopError('SHOP_LOG_IO', `cannot create segment ${segment.path}`, { cause });
    }
    this.segments.push(segment);
    return segment;
  }

  /** Appends encoded batches (one write), rolling first when the active segment would pass segmentBytes. */
  async append(batches: Buffer, recordCount: number, maxTimestampMs: number): Promise<{ rolled: boolean }> {
    let active = this.active!;
    let rolled = false;
    if (active.sizeBytes > 0 && active.sizeBytes + batches.length > this.options.segmentBytes) {
      if (this.options.syncOnRoll) await active.sync();
      active = await this.createSegment(active.nextOffset);
      rolled = true;
    }
    await active.append(batches, recordCount, maxTimestampMs);
    return { rolled };
  }

  async sync(): Promise<void> {
    await this.active?.sync();
  }

  /** Records with offset >= fromOffset (the caller checked the range). */
  async read(topic: string, fromOffset: number, maxRecords: number, maxBytes: number): Promise<LogRecord[]> {
    const budget: ReadBudget = {
      topic,
      partition: this.partition,
      maxRecords,
      maxBytes,
      out: [],
      valueBytes: 0,
    };
    const chunkBytes = Math.min(Math.max(maxBytes === Infinity ? 4 << 20 : maxBytes + 65536, 65536), 8 << 20);
    let i = this.segments.length - 1;
    while (i > 0 && this.segments[i]!.baseOffset > fromOffset) i--;
    for (; i < this.segments.length && budget.out.length < maxRecords; i++) {
      const segment = this.segments[i]!;
      if (segment.nextOffset <= fromOffset) continue;
      await segment.read(fromOffset, budget, chunkBytes);
      if (budget.out.length > 0 && budget.valueBytes >= maxBytes) break;
    }
    return budget.out;
  }

  /**
   * Read mode: picks up what the writer appended, rolled or deleted since the last look. Stops at
   * the last complete valid batch (a batch being written is not served).
   */
  async refresh(): Promise<void> {
    const bases = await this.listSegmentBases();
    const present = new Set(bases);
    while (this.segments.length > 1 && !present.has(this.segments[0]!.baseOffset))
      await this.segments.shift()!.close();
    const active = this.active;
    if (active) {
      const fileBytes = (await stat(active.path).catch(() => ({ size: 0 }))).size;
      if (fileBytes > active.sizeBytes) await this.scanFrom(active, active.sizeBytes, true);
    }
    for (const base of bases) if (base > (this.active?.baseOffset ?? -1)) await this.loadSegment(base, true);
  }

  /**
   * Deletes whole segments from the front, never the active one: those whose newest record is
   * older than retentionMs, then the oldest while the partition holds more than retentionBytes.
   */
  async applyRetention(
    nowMs: number,
    retentionMs: number | undefined,
    retentionBytes: number | undefined,
  ): Promise<number> {
    let deleted = 0;
    while (this.segments.length > 1) {
      const oldest = this.segments[0]!;
      const expired = retentionMs !== undefined && oldest.maxTimestampMs < nowMs - retentionMs;
      const oversize = retentionBytes !== undefined && this.sizeBytes - oldest.sizeBytes >= retentionBytes;
      if (!expired && !oversize) break;
      this.segments.shift();
      await oldest.delete();
      deleted++;
    }
    return deleted;
  }

  async close(): Promise<void> {
    for (const segment of this.segments) await segment.close();
  }
}
