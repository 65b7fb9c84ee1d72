import type { FileKey } from '../../lake/lake-table.js';
import { LakeBuffer, type PendingLakeRows } from './lake-buffer.js';
import type { LakePositionCommit, ProcessorLake, ProcessorStore } from './processor-ports.js';
import type { StageTimer } from './stage-timer.js';
import { failSpan } from '../../observability/trace-context.js';
import { shopTracer } from '../../observability/tracing.js';
import type { PartitionBatch } from './transform-batch.js';

export interface LakeFlushOptions {
  /** Flush once this many log-record bytes are buffered (all partitions together). */
  readonly flushMaxBytes: number;
  /** Flush once the oldest buffered row has waited this long (processing time). */
  readonly flushMaxAgeMs: number;
}

export interface LakeFlusherDeps {
  readonly topic: string;
  readonly lake: ProcessorLake;
  readonly store: Pick<ProcessorStore, 'commitLake'>;
  readonly timer: StageTimer;
  readonly nowMs: () => number;
  /** Throws when this processor may no longer write (lease lost); checked before every flush. */
  readonly checkMayWrite: () => void;
  /** After a flush's lake positions are committed. */
  readonly onFlushed?: (flushed: readonly LakePositionCommit[]) => void;
}

/**
 * Step 6 of the commit path: the lake, sized by bytes and age instead of by Gold commit. Rows of
 * batches whose Gold commit is done are buffered per partition; a flush writes each partition's
 * buffered run as one file per table and hive hour (write-then-rename, names from the run's
 * offsets), commits each table's files in one Delta version with every partition's txn (the
 * run's last offset), and then records the new lake positions in the serving DB (fenced by
 * epoch). A crash before that record loses nothing and duplicates nothing: the rows are derived
 * again from the log, which keeps every record past the lake position, and the next flush skips
 * the rows a table's txn says it already holds. At most one flush runs at a time, in the background of the
 * Gold commits; a failed flush is rethrown by the next `checkFailed`/`settle`.
 */
export class LakeFlusher {
  private readonly buffer = new LakeBuffer();
  private running: Promise<void> | undefined;
  private failure: unknown;

  constructor(
    private readonly options: LakeFlushOptions,
    private readonly deps: LakeFlusherDeps,
  ) {}

  /** Buffers a batch committed in Gold (or re-derived from the log on recovery). */
  add(batch: PartitionBatch, epoch: number, bytes: number, streamTimeMs: number | null): void {
    this.buffer.add(batch, epoch, bytes, streamTimeMs, this.deps.nowMs());
  }

  get bufferedBytes(): number {
    return this.buffer.bytes;
  }

  get bufferedRecords(): number {
    return this.buffer.records;
  }

  /** True when the buffer is over its size or age limit. */
  due(): boolean {
    if (this.buffer.bytes >= this.options.flushMaxBytes) return true;
    const oldest = this.buffer.oldestAddedAtMs();
    return oldest !== undefined && this.deps.nowMs() - oldest >= this.options.flushMaxAgeMs;
  }

  /** Starts a background flush of everything buffered when due and none is running. */
  maybeFlush(): void {
    this.checkFailed();
    if (this.running !== undefined || !this.due()) return;
    const run: Promise<void> = this.flushRows(this.buffer.take())
      .catch((err: unknown) => {
        this.failure = err;
      })
      .finally(() => {
        if (this.running === run) this.running = undefined;
      });
    this.running = run;
  }

  /**
   * Back-pressure: when the size limit is buffered again while a flush still runs, waits for it
   * (the transform never outruns the lake by more than one flush: at most two flushes' rows are
   * in memory).
   */
  async throttle(): Promise<void> {
    this.checkFailed();
    if (this.running !== undefined && this.buffer.bytes >= this.options.flushMaxBytes) await this.settle();
  }

  /** Waits for the flush in flight, if any; rethrows its failure. */
  async settle(): Promise<void> {
    await this.running;
    this.checkFailed();
  }

  /** Flushes the buffered rows of `partitions` (default: all) now, after the flush in flight. */
  async flushNow(partitions?: readonly number[]): Promise<void> {
    await this.settle();
    await this.flushRows(this.buffer.take(partitions));
  }

  /**
   * Forgets buffered rows without writing them (partitions released or rebuilt: their rows are
   * derived again from the log by whoever owns them next). Waits for the flush in flight first;
   * its failure is swallowed, since recovery starts from the stored positions anyway.
   */
  async discard(partitions?: readonly number[]): Promise<void> {
    await this.running;
    this.failure = undefined;
    this.buffer.take(partitions);
  }

  private checkFailed(): void {
    if (this.failure === undefined) return;
    const err = this.failure;
    this.failure = undefined;
    throw err;
  }

  private async flushRows(pending: readonly PendingLakeRows[]): Promise<void> {
    if (pending.length === 0) return;
    this.deps.checkMayWrite();
    const tracer = shopTracer();
    const span = tracer.startSpan('processor.lake_flush', {
      attributes: {
        'shopstream.partitions': pending.length,
        'shopstream.records': pending.reduce((n, p) => n + p.toOffset - p.fromOffset + 1, 0),
      },
    });
    const clock = this.deps.timer.within(tracer, span);
    try {
      await clock.timeAsync('lakeWrite', () => this.writeRuns(pending));
      const flushed = pending.map((p) => ({
        partition: p.partition,
        epoch: p.epoch,
        fromOffset: p.fromOffset,
        nextOffset: p.toOffset + 1,
        streamTimeMs: p.streamTimeMs,
      }));
      await clock.timeAsync('lakeCommit', () => this.deps.store.commitLake(this.deps.topic, flushed));
      this.deps.onFlushed?.(flushed);
    } catch (err) {
      failSpan(span, err);
      throw err;
    } finally {
      span.end();
    }
  }

  /**
   * Every partition's run: per table one file per partition and hive hour, and one Delta commit
   * (with each partition's txn); the three tables concurrently.
   */
  private async writeRuns(pending: readonly PendingLakeRows[]): Promise<void> {
    const keyOf = (p: PendingLakeRows): FileKey => ({
      topic: this.deps.topic,
      partition: p.partition,
      fromOffset: p.fromOffset,
      toOffset: p.toOffset,
    });
    const { lake } = this.deps;
    await Promise.all([
      lake.writeBronze(pending.map((p) => ({ rows: p.bronze.flat(), key: keyOf(p) }))),
      lake.writeSilver(pending.map((p) => ({ rows: p.silver.flat(), key: keyOf(p) }))),
      lake.writeQuarantine(pending.map((p) => ({ rows: p.quarantine.flat(), key: keyOf(p) }))),
    ]);
  }
}
