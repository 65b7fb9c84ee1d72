import type { ValidateOptions } from '../../contract/index.js';
import { isShopError } from '../../errors/index.js';
import type { EventLog, LogRecord } from '../../log/event-log.js';
import { GoldAccumulator } from '../gold/gold-accumulator.js';
import type { SilverRowOptions } from '../silver/silver-row.js';
import { newPartitionState, type PartitionState } from './partition-state.js';
import type { FileKey, GoldCommit, PartitionCommit, ProcessorLake, ProcessorStore } from './processor-ports.js';
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
  /** Processing-time clock (ms); injectable for tests. */
  readonly nowMs?: () => number;
  /** Called after every serving-DB commit (live feed, metrics). */
  readonly onCommit?: (info: CommitInfo) => void;
  readonly onEvent?: (message: string, fields: Record<string, unknown>) => void;
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

  constructor(
    private readonly options: StreamProcessorOptions,
    private readonly deps: StreamProcessorDeps,
  ) {
    this.nowMs = deps.nowMs ?? Date.now;
    this.lastDataAtMs = this.nowMs();
  }

  /** Step 0: claim the partitions, delete uncommitted lake files, rebuild dedupe state. */
  async start(): Promise<void> {
    const { topic, owner, watermarkMs } = this.options;
    const partitions = this.options.partitions ?? (await this.allPartitions());
    const claimed = await this.deps.store.claim(topic, partitions, owner);
    for (const p of partitions) {
      const c = claimed.get(p) ?? { nextOffset: 0, epoch: 0, streamTimeMs: null };
      const state = newPartitionState(p, c.nextOffset, c.epoch, c.streamTimeMs, watermarkMs);
      const removed = await this.deps.lake.removeUncommitted(topic, p, c.nextOffset);
      if (c.streamTimeMs !== null) {
        state.dedupe.seed(await this.deps.lake.silverEventIdsSince(topic, p, c.streamTimeMs - watermarkMs));
      }
      this.states.set(p, state);
      this.deps.onEvent?.('partition claimed', { partition: p, nextOffset: c.nextOffset, epoch: c.epoch, removedUncommittedFiles: removed, dedupeIds: state.dedupe.size });
    }
  }

  private async allPartitions(): Promise<number[]> {
    const info = await this.deps.log.describeTopic(this.options.topic);
    return (info?.partitions ?? []).map((p) => p.partition);
  }

  /** One cycle of the commit path; returns the number of records committed (0 when idle). */
  async runCycle(): Promise<number> {
    this.cycles += 1;
    // 1. Read up to maxBatchRecords from every owned partition at its position of record.
    const reads = await this.timer.timeAsync('read', () => this.readAll());
    if (reads.length === 0) return this.onIdle();
    // 2. Transform: Bronze, parse, validate, late check, dedupe, Silver/quarantine, Gold deltas.
    const gold = new GoldAccumulator();
    const batches = reads.map(({ state, records }) =>
      transformPartitionBatch(records, state, gold, this.options, this.timer),
    );
    // 3. Write the lake (write-then-rename, deterministic names), before anything is committed.
    await this.timer.timeAsync('lakeWrite', () => this.writeLake(batches));
    // 4. Commit Gold, accounting and positions in one fenced serving-DB transaction.
    const commit = this.goldCommit(batches, gold);
    await this.timer.timeAsync('storeCommit', () => this.deps.store.commit(commit));
    // 5. Advance in-memory positions, publish, mirror positions to the log's consumer group.
    return this.afterCommit(batches, commit);
  }

  private async readAll(): Promise<Array<{ state: PartitionState; records: LogRecord[] }>> {
    const out: Array<{ state: PartitionState; records: LogRecord[] }> = [];
    for (const state of this.states.values()) {
      const records = await this.deps.log.read(this.options.topic, state.partition, state.nextOffset, {
        maxRecords: this.options.maxBatchRecords,
        maxWaitMs: 0,
      });
      if (records.length > 0) out.push({ state, records });
    }
    return out;
  }

  private async writeLake(batches: readonly PartitionBatch[]): Promise<void> {
    for (const b of batches) {
      const key: FileKey = { topic: this.options.topic, partition: b.partition, fromOffset: b.fromOffset, toOffset: b.toOffset };
      await this.deps.lake.writeBronze(b.bronze, key);
      if (b.silver.length > 0) await this.deps.lake.writeSilver(b.silver, key);
      if (b.quarantine.length > 0) await this.deps.lake.writeQuarantine(b.quarantine, key);
    }
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

  private async afterCommit(batches: readonly PartitionBatch[], commit: GoldCommit): Promise<number> {
    let records = 0;
    let maxEventTimeMs: number | null = null;
    for (const p of commit.partitions) {
      const state = this.states.get(p.partition)!;
      state.nextOffset = p.nextOffset;
      records += p.accounting.recordsRead;
      if (p.streamTimeMs !== null) maxEventTimeMs = Math.max(maxEventTimeMs ?? p.streamTimeMs, p.streamTimeMs);
    }
    this.commits += 1;
    this.recordsProcessed += records;
    this.lastDataAtMs = this.nowMs();
    this.idleFinalized = false;
    const windows = [...new Set(commit.counters.map((c) => c.windowStartMs))].sort((a, b) => a - b);
    this.deps.onCommit?.({ records, windowsTouched: windows, committedAtMs: this.lastDataAtMs, maxEventTimeMs });
    await this.mirrorGroupOffsets(batches);
    return records;
  }

  private async mirrorGroupOffsets(batches: readonly PartitionBatch[]): Promise<void> {
    if (!this.mirrorOffsets) return;
    const offsets = new Map(batches.map((b) => [b.partition, b.toOffset + 1]));
    try {
      await this.deps.log.commitGroupOffsets(this.options.consumerGroup, this.options.topic, offsets);
    } catch (err) {
      if (isShopError(err, 'SHOP_LOG_READ_ONLY')) this.mirrorOffsets = false;
      else this.deps.onEvent?.('consumer-group offsets not mirrored (lag monitoring only)', { error: String(err) });
    }
  }

  /** No records: finalize windows that ended on the wall clock once idle for idleFinalizeMs. */
  private async onIdle(): Promise<number> {
    const now = this.nowMs();
    if (!this.idleFinalized && now - this.lastDataAtMs >= this.options.idleFinalizeMs) {
      const finalized = await this.deps.store.finalize(now - 60_000);
      this.idleFinalized = true;
      if (finalized > 0) this.deps.onEvent?.('idle stream: windows finalized by the wall clock', { finalized });
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
    await this.deps.store.finalize(END_OF_TIME_MS);
    return total;
  }

  /** Runs cycles until `signal` aborts; sleeps maxWaitMs when the log is idle. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const n = await this.runCycle();
      if (n === 0 && !signal.aborted) await sleep(this.options.maxWaitMs, signal);
    }
  }

  stats(): ProcessorStats {
    return { cycles: this.cycles, commits: this.commits, recordsProcessed: this.recordsProcessed, stageMs: this.timer.snapshot() };
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
