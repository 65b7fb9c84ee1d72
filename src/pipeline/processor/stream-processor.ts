import { sumDedupeStats, type DedupeSpill, type DedupeStats } from '../../state/dedupe-state.js';
import type { ValidateOptions } from '../../contract/index.js';
import { isShopError, ShopError } from '../../errors/index.js';
import type { EventLog, LogRecord } from '../../log/event-log.js';
import type { DownstreamPublisher } from './downstream-publisher.js';
import { GoldAccumulator } from '../gold/gold-accumulator.js';
import type { SilverRowOptions } from '../silver/silver-row.js';
import type { PartitionState } from './partition-state.js';
import { recoverPartitionState } from './partition-recovery.js';
import type {
  ClaimedPartition,
  GoldCommit,
  PartitionCommit,
  ProcessorLake,
  ProcessorStore,
} from './processor-ports.js';
import { runProcessorLoop, type RunLoopOptions } from './processor-run-loop.js';
import { LakeFlusher, type LakeFlushOptions } from './lake-flusher.js';
import { StageTimer, type StageClock } from './stage-timer.js';
import { failSpan } from '../../observability/trace-context.js';
import { batchSpanLinks } from './trace-links.js';
import { ROOT_CONTEXT, SpanKind, trace, type Span } from '@opentelemetry/api';
import { shopTracer } from '../../observability/tracing.js';
import { transformPartitionBatch, type PartitionBatch } from './transform-batch.js';

export interface StreamProcessorOptions {
  readonly topic: string;
  /** Owned partitions; undefined = every partition of the topic. */
  readonly partitions?: readonly number[];
  readonly owner: string;
  readonly watermarkMs: number;
  readonly maxBatchRecords: number;
  readonly maxWaitMs: number;
  /** `run` (not `drain`): reads start at most this often unless a partition filled its batch. */
  readonly minBatchIntervalMs?: number;
  readonly idleFinalizeMs: number;
  readonly consumerGroup: string;
  readonly validate: ValidateOptions;
  readonly silver: SilverRowOptions;
  /** When buffered lake rows are flushed to files (step 6). */
  readonly lake: LakeFlushOptions;
  /** Dedupe ids behind the hot part of the watermark go to disk; undefined = all in memory. */
  readonly dedupeSpill?: DedupeSpill;
}

export interface StreamProcessorDeps {
  readonly log: EventLog;
  readonly lake: ProcessorLake;
  readonly store: ProcessorStore;
  /**
   * Optional step 3: publish the batch's Silver and quarantine rows to the downstream topics,
   * BEFORE its serving-DB commit (at-least-once, see the publisher).
   */
  readonly publishDownstream?: DownstreamPublisher;
  /** Processing-time clock (ms); injectable for tests. */
  readonly nowMs?: () => number;
  /** Called after every serving-DB commit (live feed, metrics). */
  readonly onCommit?: (info: CommitInfo) => void;
  /** Called after every lake flush is recorded (lake readers, metrics). */
  readonly onLakeFlush?: (info: LakeFlushInfo) => void;
  readonly onEvent?: (message: string, fields: Record<string, unknown>) => void;
  /**
   * Checked before the lake write of every batch; false (e.g. the group-membership lease could not
   * be renewed) fails the batch with SHOP_PROCESSOR_LEASE_EXPIRED before anything is written.
   */
  readonly mayWrite?: () => boolean;
}

export interface CommitInfo {
  readonly records: number;
  readonly windowsTouched: readonly number[];
  readonly committedAtMs: number;
  readonly maxEventTimeMs: number | null;
}

export interface LakeFlushInfo {
  /** Per partition: the new lake position. */
  readonly lakeNextOffsets: ReadonlyMap<number, number>;
  readonly flushedAtMs: number;
}

export interface ProcessorStats {
  readonly cycles: number;
  readonly commits: number;
  readonly recordsProcessed: number;
  readonly lakeFlushes: number;
  /** Records committed in Gold whose lake rows wait in the buffer for the next flush. */
  readonly lakeBufferedRecords: number;
  readonly lakeBufferedBytes: number;
  readonly stageMs: ReturnType<StageTimer['snapshot']>;
  /** The dedupe state of the owned partitions, summed: ids and bytes in memory and sealed on disk. */
  readonly dedupe: DedupeStats;
}

const finiteOrNull = (ms: number): number | null => (Number.isFinite(ms) ? ms : null);

/** Far enough in the future to finalize every window: 9999-12-31T00:00:00Z. */
const END_OF_TIME_MS = Date.UTC(9999, 11, 31);

/**
 * The stream processor: log -> Bronze, Silver + quarantine + dedupe, Gold, with the commit path of
 * docs/delivery-guarantees.md. One instance owns a set of partitions; `start()` claims them
 * (fencing older owners) and recovers; each `runCycle()` is one read-transform-write-commit cycle.
 */
export class StreamProcessor {
  private readonly states = new Map<number, PartitionState>();
  /**
   * Claimed partitions whose adoption failed (e.g. the log was unreachable while re-deriving the
   * lake buffer): still owned, so recover() adopts them again and a rebalance that moves them
   * releases them; never read from until adopted.
   */
  private readonly unadopted = new Map<number, ClaimedPartition>();
  private readonly timer = new StageTimer();
  private readonly nowMs: () => number;
  private readonly lake: LakeFlusher;
  private cycles = 0;
  private commits = 0;
  private lakeFlushes = 0;
  private lastReadStartedAtMs = 0;
  private lastReadFull = false;
  private recordsProcessed = 0;
  private lastDataAtMs: number;
  private idleFinalized = false;
  private mirrorOffsets = true;
  /** Steps 3-5 of the previous batch, still running. */
  private inflight: Promise<void> | undefined;

  constructor(
    private readonly options: StreamProcessorOptions,
    private readonly deps: StreamProcessorDeps,
  ) {
    this.nowMs = deps.nowMs ?? Date.now;
    this.lastDataAtMs = this.nowMs();
    this.lake = new LakeFlusher(options.lake, {
      topic: options.topic,
      lake: deps.lake,
      store: deps.store,
      timer: this.timer,
      nowMs: this.nowMs,
      checkMayWrite: () => this.checkMayWrite(),
      onFlushed: (flushed) => {
        this.lakeFlushes += 1;
        for (const f of flushed) {
          const state = this.states.get(f.partition);
          if (state !== undefined && state.epoch === f.epoch) state.lakeNextOffset = f.nextOffset;
        }
        this.deps.onLakeFlush?.({
          lakeNextOffsets: new Map(flushed.map((f) => [f.partition, f.nextOffset])),
          flushedAtMs: this.nowMs(),
        });
      },
    });
  }

  /** Step 0: claim the partitions (`options.partitions`, or all), then `adopt` them. */
  async start(): Promise<void> {
    const partitions = this.options.partitions ?? (await this.topicPartitions());
    const claimed = await this.deps.store.claim(this.options.topic, partitions, this.options.owner);
    const withDefaults = new Map(
      partitions.map((p) => [
        p,
        claimed.get(p) ?? {
          nextOffset: 0,
          epoch: 0,
          streamTimeMs: null,
          lakeNextOffset: 0,
          lakeStreamTimeMs: null,
        },
      ]),
    );
    await this.adopt(withDefaults);
  }

  /**
   * Takes over claimed partitions (`recoverPartitionState`: deletes their unrecorded lake files,
   * rebuilds dedupe at the lake position), then re-derives the lake rows of the records between
   * the lake and the Gold positions from the log (their Gold is already committed). Call only
   * between cycles, after `flush()`. Replaces an owned partition's state and buffered rows.
   */
  async adopt(claimed: ReadonlyMap<number, ClaimedPartition>): Promise<void> {
    const { topic, watermarkMs } = this.options;
    for (const [p, c] of claimed) {
      this.unadopted.set(p, c);
      this.dropState(p);
    }
    for (const [p, c] of claimed) {
      await this.lake.discard([p]);
      const { state, removedUncommittedFiles } = await recoverPartitionState(
        this.deps.lake,
        topic,
        p,
        c,
        watermarkMs,
        this.options.dedupeSpill,
      );
      const rederived = await this.rederiveUnflushed(state, c);
      this.states.set(p, state);
      this.unadopted.delete(p);
      this.deps.onEvent?.('partition claimed', {
        partition: p,
        nextOffset: c.nextOffset,
        lakeNextOffset: c.lakeNextOffset,
        epoch: c.epoch,
        removedUncommittedFiles,
        rederivedRecords: rederived,
        dedupeIds: state.dedupe.size,
      });
    }
  }

  /**
   * Recovery of the lake buffer: transforms the records [lakeNextOffset, nextOffset) again, from
   * the state at the lake position, into the buffer (the transform is deterministic, so these are
   * the rows the crashed run had buffered); Gold deltas are discarded. Leaves the state at the
   * Gold position. Fails with SHOP_PROCESSOR_LAKE_BEHIND_LOG when the log no longer holds them.
   */
  private async rederiveUnflushed(state: PartitionState, claimed: ClaimedPartition): Promise<number> {
    const { topic, maxBatchRecords } = this.options;
    const from = state.readOffset;
    while (state.readOffset < claimed.nextOffset) {
      const records = (
        await this.deps.log.read(topic, state.partition, state.readOffset, {
          maxRecords: Math.min(maxBatchRecords, claimed.nextOffset - state.readOffset),
          maxWaitMs: 0,
        })
      ).filter((r) => r.offset < claimed.nextOffset);
      if (records.length === 0 || records[0]!.offset !== state.readOffset)
        throw new ShopError(
          'SHOP_PROCESSOR_LAKE_BEHIND_LOG',
          `${topic}[${state.partition}]: the log no longer holds offset ${state.readOffset}, committed in Gold but not yet in the lake`,
          { details: { partition: state.partition, lakeNextOffset: from, nextOffset: claimed.nextOffset } },
        );
      state.readOffset = records[records.length - 1]!.offset + 1;
      const batch = transformPartitionBatch(records, state, new GoldAccumulator(), this.options, this.timer);
      this.lake.add(batch, state.epoch, batch.recordBytes, finiteOrNull(state.streamTimeMs));
    }
    if (finiteOrNull(state.streamTimeMs) !== claimed.streamTimeMs)
      this.deps.onEvent?.('re-derived stream time differs from the stored one', {
        partition: state.partition,
        rederivedMs: finiteOrNull(state.streamTimeMs),
        storedMs: claimed.streamTimeMs,
      });
    state.nextOffset = claimed.nextOffset;
    return claimed.nextOffset - from;
  }

  /**
   * Stops owning partitions (only between cycles, after `flush()`, normally after
   * `flushLake(partitions)`); returns their epochs. Rows still buffered for them are forgotten:
   * the next owner derives them again from the log.
   */
  /** Forgets a partition's state, closing its dedupe segment files. */
  private dropState(partition: number): void {
    this.states.get(partition)?.dedupe.close();
    this.states.delete(partition);
  }

  release(partitions: readonly number[]): Map<number, number> {
    const epochs = new Map<number, number>();
    void this.lake.discard(partitions);
    for (const p of partitions) {
      const pending = this.unadopted.get(p);
      if (pending !== undefined) {
        this.unadopted.delete(p);
        epochs.set(p, pending.epoch);
      }
      const state = this.states.get(p);
      if (state === undefined) continue;
      epochs.set(p, state.epoch);
      this.dropState(p);
      this.deps.onEvent?.('partition released', {
        partition: p,
        nextOffset: state.nextOffset,
        epoch: state.epoch,
      });
    }
    return epochs;
  }

  /** Owned partitions and the epoch each is held with. */
  ownedEpochs(): Map<number, number> {
    return new Map([
      ...[...this.unadopted].map(([p, c]) => [p, c.epoch] as const),
      ...[...this.states.values()].map((s) => [s.partition, s.epoch] as const),
    ]);
  }

  /**
   * After a failed cycle: waits out the batch in flight (its failure is the one being handled),
   * then rebuilds every owned partition from its position of record, as on a claim but keeping its
   * epoch; a partition whose epoch moved on (another owner claimed it) is dropped. Discards what
   * the failed batches did in memory (read offsets, stream time, dedupe).
   */
  async recover(): Promise<void> {
    await this.flush().catch(() => undefined);
    await this.lake.discard();
    const positions = await this.deps.store.positions(this.options.topic);
    const kept = new Map<number, ClaimedPartition>();
    for (const [p, epoch] of this.ownedEpochs()) {
      const position = positions.get(p);
      if (position !== undefined && position.epoch === epoch) kept.set(p, position);
      else this.release([p]);
    }
    await this.adopt(kept);
  }

  /** Partitions of the topic (none while it does not exist). */
  async topicPartitions(): Promise<number[]> {
    const info = await this.deps.log.describeTopic(this.options.topic);
    return (info?.partitions ?? []).map((p) => p.partition);
  }

  /**
   * One cycle of the commit path; returns the number of records read (0 when idle). Batch N+1 is
   * read and transformed (steps 1-2, on this thread) while batch N is written and committed
   * (steps 3-5, mostly DuckDB's and the database's threads); commits stay strictly in order.
   */
  async runCycle(): Promise<number> {
    this.cycles += 1;
    await this.lake.throttle();
    // 1. Read up to maxBatchRecords from every owned partition after what is already read.
    this.lastReadStartedAtMs = this.nowMs();
    const readStart = Date.now();
    const reads = await this.timer.timeAsync('read', () => this.readAll());
    this.lastReadFull = reads.some((r) => r.records.length >= this.options.maxBatchRecords);
    if (reads.length === 0) {
      if (this.inflight !== undefined) return this.flush().then(() => 0);
      return this.onIdle();
    }
    const span = this.batchSpan(reads, readStart);
    const clock = this.timer.within(shopTracer(), span);
    // 2. Transform: Bronze, parse, validate, late check, dedupe, Silver/quarantine, Gold deltas.
    const gold = new GoldAccumulator();
    let commit: GoldCommit;
    let batches: PartitionBatch[];
    try {
      batches = reads.map(({ state, records }) => {
        state.readOffset = records[records.length - 1]!.offset + 1;
        return transformPartitionBatch(records, state, gold, this.options, clock);
      });
      commit = this.goldCommit(batches, gold);
      await this.flush();
    } catch (err) {
      endSpan(span, err);
      throw err;
    }
    this.inflight = this.writeAndCommit(batches, commit, clock).then(
      () => endSpan(span),
      (err: unknown) => {
        endSpan(span, err);
        throw err;
      },
    );
    return commit.partitions.reduce((n, p) => n + p.accounting.recordsRead, 0);
  }

  /**
   * The trace of one batch (steps 1-5): `processor.batch`, with its read as a child that already
   * ended, and links to the collector requests whose `traceparent` the records carry. A no-op span
   * when tracing is off.
   */
  private batchSpan(reads: ReadonlyArray<{ records: readonly LogRecord[] }>, readStartMs: number): Span {
    const tracer = shopTracer();
    const records = reads.reduce((n, r) => n + r.records.length, 0);
    const span = tracer.startSpan('processor.batch', {
      kind: SpanKind.CONSUMER,
      startTime: readStartMs,
      attributes: {
        'messaging.destination.name': this.options.topic,
        'messaging.batch.message_count': records,
        'shopstream.partitions': reads.length,
      },
    });
    if (!span.isRecording()) return span;
    span.addLinks(batchSpanLinks(reads));
    tracer.startSpan('processor.read', { startTime: readStartMs }, trace.setSpan(ROOT_CONTEXT, span)).end();
    return span;
  }

  /** Waits for the batch being committed, if any; rethrows its failure. */
  async flush(): Promise<void> {
    const inflight = this.inflight;
    this.inflight = undefined;
    await inflight;
  }

  /**
   * Writes the buffered lake rows of `partitions` (default: all owned) now and records the new
   * lake positions: before releasing partitions and on a clean stop, so nobody re-derives them.
   */
  async flushLake(partitions?: readonly number[]): Promise<void> {
    await this.flush();
    await this.lake.flushNow(partitions);
  }

  private async writeAndCommit(
    batches: readonly PartitionBatch[],
    commit: GoldCommit,
    clock: StageClock,
  ): Promise<void> {
    this.checkMayWrite();
    // 3. Publish downstream (optional) before the commit: a crash before the commit re-reads and
    //    re-publishes the batch, so downstream topics are at-least-once, never short.
    if (this.deps.publishDownstream !== undefined) await this.deps.publishDownstream(batches);
    // 4. Commit Gold, accounting and positions in one fenced serving-DB transaction.
    await clock.timeAsync('storeCommit', () => this.deps.store.commit(commit));
    // 5. Advance positions of record, notify the live feed, mirror positions to the consumer group.
    await this.afterCommit(batches, commit);
    // 6. Buffer the batch's lake rows; flush them when the buffer is over its size or age limit
    //    (in the background: Gold commits go on meanwhile). See LakeFlusher.
    for (const [i, b] of batches.entries())
      this.lake.add(b, commit.partitions[i]!.epoch, b.recordBytes, commit.partitions[i]!.streamTimeMs);
    this.lake.maybeFlush();
  }

  private async readAll(): Promise<Array<{ state: PartitionState; records: LogRecord[] }>> {
    const out: Array<{ state: PartitionState; records: LogRecord[] }> = [];
    for (const state of this.states.values()) {
      const records = await this.deps.log.read(this.options.topic, state.partition, state.readOffset, {
        maxRecords: this.options.maxBatchRecords,
        maxWaitMs: 0,
      });
      if (records.length > 0) out.push({ state, records });
    }
    return out;
  }

  private checkMayWrite(): void {
    if (this.deps.mayWrite === undefined || this.deps.mayWrite()) return;
    throw new ShopError(
      'SHOP_PROCESSOR_LEASE_EXPIRED',
      'group-membership lease not renewed in time: batch dropped before the lake write',
    );
  }

  private goldCommit(batches: readonly PartitionBatch[], gold: GoldAccumulator): GoldCommit {
    const partitions: PartitionCommit[] = batches.map((b) => {
      const state = this.states.get(b.partition)!;
      return {
        partition: b.partition,
        epoch: state.epoch,
        fromOffset: b.fromOffset,
        nextOffset: b.toOffset + 1,
        streamTimeMs: finiteOrNull(state.streamTimeMs),
        accounting: b.accounting,
      };
    });
    return {
      topic: this.options.topic,
      partitions,
      counters: gold.counterDeltas(),
      dimCounters: gold.dimCounterDeltas(),
      products: gold.productDeltas(),
      orders: gold.orders(),
      finalizeBeforeMs: this.eventTimeFinalizeHorizon(),
    };
  }

  /** Windows wholly older than every owned partition's stream time minus the watermark are final. */
  private eventTimeFinalizeHorizon(): number | undefined {
    let min = Number.POSITIVE_INFINITY;
    for (const s of this.states.values()) min = Math.min(min, s.streamTimeMs - this.options.watermarkMs);
    return Number.isFinite(min) ? min - 60_000 : undefined;
  }

  private async afterCommit(batches: readonly PartitionBatch[], commit: GoldCommit): Promise<void> {
    let records = 0;
    let maxEventTimeMs: number | null = null;
    for (const p of commit.partitions) {
      const state = this.states.get(p.partition)!;
      state.nextOffset = p.nextOffset;
      records += p.accounting.recordsRead;
      if (p.streamTimeMs !== null)
        maxEventTimeMs = Math.max(maxEventTimeMs ?? p.streamTimeMs, p.streamTimeMs);
    }
    this.commits += 1;
    this.recordsProcessed += records;
    this.lastDataAtMs = this.nowMs();
    this.idleFinalized = false;
    const windows = [...new Set(commit.counters.map((c) => c.windowStartMs))].sort((a, b) => a - b);
    this.deps.onCommit?.({
      records,
      windowsTouched: windows,
      committedAtMs: this.lastDataAtMs,
      maxEventTimeMs,
    });
    await this.mirrorGroupOffsets(batches);
  }

  private async mirrorGroupOffsets(batches: readonly PartitionBatch[]): Promise<void> {
    if (!this.mirrorOffsets) return;
    const offsets = new Map(batches.map((b) => [b.partition, b.toOffset + 1]));
    try {
      await this.deps.log.commitGroupOffsets(this.options.consumerGroup, this.options.topic, offsets);
    } catch (err) {
      if (isShopError(err, 'SHOP_LOG_READ_ONLY')) this.mirrorOffsets = false;
      else
        this.deps.onEvent?.('consumer-group offsets not mirrored (lag monitoring only)', {
          error: String(err),
        });
    }
  }

  /** No records: finalize windows that ended on the wall clock once idle for idleFinalizeMs. */
  private async onIdle(): Promise<number> {
    this.lake.maybeFlush();
    const now = this.nowMs();
    if (!this.idleFinalized && now - this.lastDataAtMs >= this.options.idleFinalizeMs) {
      const finalized = await this.deps.store.finalize(now - 60_000);
      this.idleFinalized = true;
      if (finalized > 0)
        this.deps.onEvent?.('idle stream: windows finalized by the wall clock', { finalized });
    }
    return 0;
  }

  /** `--once`: cycles until every owned partition is drained, then finalizes every window. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.runCycle();
      if (n === 0) break;
      total += n;
    }
    await this.flushLake();
    await this.deps.store.finalize(END_OF_TIME_MS);
    return total;
  }

  /**
   * Runs cycles until `signal` aborts; sleeps maxWaitMs when the log is idle; retries retryable
   * failures from the positions of record (`runProcessorLoop`).
   */
  async run(
    signal: AbortSignal,
    loop: Pick<RunLoopOptions, 'betweenCycles' | 'dropFencedPartitions'> = {},
  ): Promise<void> {
    try {
      await runProcessorLoop(this, signal, {
        ...loop,
        idleWaitMs: this.options.maxWaitMs,
        paceMs: () => this.paceMs(),
        ...(this.deps.onEvent === undefined ? {} : { onEvent: this.deps.onEvent }),
      });
    } catch (err) {
      // A failed run writes nothing more: the buffered rows may belong to a fenced epoch.
      await this.flush().catch(() => undefined);
      await this.lake.discard();
      throw err;
    }
    // A clean stop: commit what is in flight, then flush the lake so no one re-derives it.
    await this.flushLake();
  }

  /** Pacing of `run`: none while catching up, else the rest of minBatchIntervalMs. */
  private paceMs(): number {
    const interval = this.options.minBatchIntervalMs ?? 0;
    if (interval <= 0 || this.lastReadFull) return 0;
    return Math.max(0, this.lastReadStartedAtMs + interval - this.nowMs());
  }

  stats(): ProcessorStats {
    return {
      cycles: this.cycles,
      commits: this.commits,
      recordsProcessed: this.recordsProcessed,
      lakeFlushes: this.lakeFlushes,
      lakeBufferedRecords: this.lake.bufferedRecords,
      lakeBufferedBytes: this.lake.bufferedBytes,
      stageMs: this.timer.snapshot(),
      dedupe: sumDedupeStats([...this.states.values()].map((s) => s.dedupe.stats)),
    };
  }
}

/** Ends a batch's span, failed when `err` is given (a no-op span ignores both). */
function endSpan(span: Span, err?: unknown): void {
  if (err !== undefined) failSpan(span, err);
  span.end();
}
