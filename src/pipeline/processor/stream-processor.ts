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
  FileKey,
  GoldCommit,
  PartitionCommit,
  ProcessorLake,
  ProcessorStore,
} from './processor-ports.js';
import { runProcessorLoop, type RunLoopOptions } from './processor-run-loop.js';
import { StageTimer } from './stage-timer.js';
import { transformPartitionBatch, type PartitionBatch } from './transform-batch.js';

export interface StreamProcessorOptions {
  readonly topic: string;
  /** Owned partitions; undefined = every partition of the topic. */
  readonly partitions?: readonly number[];
  readonly owner: string;
  readonly watermarkMs: number;
  readonly maxBatchRecords: number;
  readonly maxWaitMs: number;
  readonly idleFinalizeMs: number;
  readonly consumerGroup: string;
  readonly validate: ValidateOptions;
  readonly silver: SilverRowOptions;
}

export interface StreamProcessorDeps {
  readonly log: EventLog;
  readonly lake: ProcessorLake;
  readonly store: ProcessorStore;
  /**
   * Optional step 3b: publish the batch's Silver and quarantine rows to the downstream topics,
   * after its lake write and BEFORE its serving-DB commit (at-least-once, see the publisher).
   */
  readonly publishDownstream?: DownstreamPublisher;
  /** Processing-time clock (ms); injectable for tests. */
  readonly nowMs?: () => number;
  /** Called after every serving-DB commit (live feed, metrics). */
  readonly onCommit?: (info: CommitInfo) => void;
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

export interface ProcessorStats {
  readonly cycles: number;
  readonly commits: number;
  readonly recordsProcessed: number;
  readonly stageMs: ReturnType<StageTimer['snapshot']>;
}

/** Far enough in the future to finalize every window: 9999-12-31T00:00:00Z. */
const END_OF_TIME_MS = Date.UTC(9999, 11, 31);

/**
 * The stream processor: log -> Bronze, Silver + quarantine + dedupe, Gold, with the commit path of
 * docs/delivery-guarantees.md. One instance owns a set of partitions; `start()` claims them
 * (fencing older owners) and recovers; each `runCycle()` is one read-transform-write-commit cycle.
 */
export class StreamProcessor {
  private readonly states = new Map<number, PartitionState>();
  private readonly timer = new StageTimer();
  private readonly nowMs: () => number;
  private cycles = 0;
  private commits = 0;
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
  }

  /** Step 0: claim the partitions (`options.partitions`, or all), then `adopt` them. */
  async start(): Promise<void> {
    const partitions = this.options.partitions ?? (await this.topicPartitions());
    const claimed = await this.deps.store.claim(this.options.topic, partitions, this.options.owner);
    const withDefaults = new Map(
      partitions.map((p) => [p, claimed.get(p) ?? { nextOffset: 0, epoch: 0, streamTimeMs: null }]),
    );
    await this.adopt(withDefaults);
  }

  /**
   * Takes over claimed partitions (`recoverPartitionState`: deletes their uncommitted lake files,
   * rebuilds dedupe). Call only between cycles, after `flush()`. Replaces an owned partition's state.
   */
  async adopt(claimed: ReadonlyMap<number, ClaimedPartition>): Promise<void> {
    const { topic, watermarkMs } = this.options;
    for (const [p, c] of claimed) {
      const { state, removedUncommittedFiles } = await recoverPartitionState(
        this.deps.lake,
        topic,
        p,
        c,
        watermarkMs,
      );
      this.states.set(p, state);
      this.deps.onEvent?.('partition claimed', {
        partition: p,
        nextOffset: c.nextOffset,
        epoch: c.epoch,
        removedUncommittedFiles,
        dedupeIds: state.dedupe.size,
      });
    }
  }

  /** Stops owning partitions (only between cycles, after `flush()`); returns their epochs. */
  release(partitions: readonly number[]): Map<number, number> {
    const epochs = new Map<number, number>();
    for (const p of partitions) {
      const state = this.states.get(p);
      if (state === undefined) continue;
      epochs.set(p, state.epoch);
      this.states.delete(p);
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
    return new Map([...this.states.values()].map((s) => [s.partition, s.epoch]));
  }

  /**
   * After a failed cycle: waits out the batch in flight (its failure is the one being handled),
   * then rebuilds every owned partition from its position of record, as on a claim but keeping its
   * epoch; a partition whose epoch moved on (another owner claimed it) is dropped. Discards what
   * the failed batches did in memory (read offsets, stream time, dedupe).
   */
  async recover(): Promise<void> {
    await this.flush().catch(() => undefined);
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
    // 1. Read up to maxBatchRecords from every owned partition after what is already read.
    const reads = await this.timer.timeAsync('read', () => this.readAll());
    if (reads.length === 0) {
      if (this.inflight !== undefined) return this.flush().then(() => 0);
      return this.onIdle();
    }
    // 2. Transform: Bronze, parse, validate, late check, dedupe, Silver/quarantine, Gold deltas.
    const gold = new GoldAccumulator();
    const batches = reads.map(({ state, records }) => {
      state.readOffset = records[records.length - 1]!.offset + 1;
      return transformPartitionBatch(records, state, gold, this.options, this.timer);
    });
    const commit = this.goldCommit(batches, gold);
    await this.flush();
    this.inflight = this.writeAndCommit(batches, commit);
    return commit.partitions.reduce((n, p) => n + p.accounting.recordsRead, 0);
  }

  /** Waits for the batch being written and committed, if any; rethrows its failure. */
  async flush(): Promise<void> {
    const inflight = this.inflight;
    this.inflight = undefined;
    await inflight;
  }

  private async writeAndCommit(batches: readonly PartitionBatch[], commit: GoldCommit): Promise<void> {
    // 3. Write the lake (write-then-rename, deterministic names), before anything is committed.
    this.checkMayWrite();
    await this.timer.timeAsync('lakeWrite', () => this.writeLake(batches));
    // 3b. Publish downstream (optional) before the commit: a crash before the commit re-reads and
    //     re-publishes the batch, so downstream topics are at-least-once, never short.
    if (this.deps.publishDownstream !== undefined) await this.deps.publishDownstream(batches);
    // 4. Commit Gold, accounting and positions in one fenced serving-DB transaction.
    await this.timer.timeAsync('storeCommit', () => this.deps.store.commit(commit));
    // 5. Advance positions of record, notify the live feed, mirror positions to the consumer group.
    await this.afterCommit(batches, commit);
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

  /** All files of the batch at once: DuckDB encodes them on its own threads. */
  private async writeLake(batches: readonly PartitionBatch[]): Promise<void> {
    const writes: Array<Promise<void>> = [];
    for (const b of batches) {
      const key: FileKey = {
        topic: this.options.topic,
        partition: b.partition,
        fromOffset: b.fromOffset,
        toOffset: b.toOffset,
      };
      writes.push(this.deps.lake.writeBronze(b.bronze, key));
      if (b.silver.length > 0) writes.push(this.deps.lake.writeSilver(b.silver, key));
      if (b.quarantine.length > 0) writes.push(this.deps.lake.writeQuarantine(b.quarantine, key));
    }
    await Promise.all(writes);
  }

  private goldCommit(batches: readonly PartitionBatch[], gold: GoldAccumulator): GoldCommit {
    const partitions: PartitionCommit[] = batches.map((b) => {
      const state = this.states.get(b.partition)!;
      return {
        partition: b.partition,
        epoch: state.epoch,
        fromOffset: b.fromOffset,
        nextOffset: b.toOffset + 1,
        streamTimeMs: Number.isFinite(state.streamTimeMs) ? state.streamTimeMs : null,
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
    await this.flush();
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
        ...(this.deps.onEvent === undefined ? {} : { onEvent: this.deps.onEvent }),
      });
    } finally {
      await this.flush();
    }
  }

  stats(): ProcessorStats {
    return {
      cycles: this.cycles,
      commits: this.commits,
      recordsProcessed: this.recordsProcessed,
      stageMs: this.timer.snapshot(),
    };
  }
}
