import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ShopError } from '../../errors/index.js';
import type {
  AppendResult,
  EventLog,
  LogRecord,
  ProducerRecord,
  ReadOptions,
  TopicInfo,
  TopicSpec,
} from '../event-log.js';
import { partitionForKey } from '../partitioner.js';
import { AppendNotifier } from './append-notifier.js';
import { defaultTruncateReporter, type EmbeddedLogOptions } from './embedded-log-options.js';
import { commitGroup, type PendingAppend } from './group-commit.js';
import { GroupOffsetsStore } from './group-offsets-store.js';
import { acquireLogLock } from './log-lock.js';
import { createTopic, listTopicNames, loadTopic, type OpenTopic } from './open-topic.js';
import type { PartitionLog, PartitionLogOptions, TruncateEvent } from './partition-log.js';
import { prepareRecord } from './record-batch-codec.js';
import { checkTopicSpec, isValidTopicName } from './topic-metadata.js';

const RETENTION_CHECK_MS = 60_000;
const READ_ONLY_POLL_MS = 50;

/** Opens the embedded log (see EmbeddedLogOptions; the guarantees are those of the EventLog port). */
export async function openEmbeddedLog(options: EmbeddedLogOptions): Promise<EmbeddedLog> {
  const log = new EmbeddedLog(options);
  await log.start();
  return log;
}

export class EmbeddedLog implements EventLog {
  readonly kind = 'embedded' as const;
  /** Torn tails cut off when this instance opened the log. */
  readonly truncations: TruncateEvent[] = [];
  private readonly topics = new Map<string, OpenTopic>();
  private readonly creating = new Map<string, Promise<OpenTopic>>();
  private readonly notifier = new AppendNotifier();
  private readonly groups: GroupOffsetsStore;
  private readonly dirty = new Set<PartitionLog>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly partitionOptions: PartitionLogOptions;
  private pending: PendingAppend[] = [];
  private flushing: Promise<void> | undefined;
  private lock: { release(): Promise<void> } | undefined;
  private closed = false;

  constructor(private readonly options: EmbeddedLogOptions) {
    this.groups = new GroupOffsetsStore(join(options.dir, 'groups'));
    const report = options.onTruncate ?? defaultTruncateReporter;
    this.partitionOptions = {
      writable: options.mode === 'write',
      segmentBytes: options.segmentBytes,
      syncOnRoll: options.fsync !== 'never',
      onTruncate: (event) => {
        this.truncations.push(event);
        report(event);
      },
    };
  }

  async start(): Promise<void> {
    if (this.options.mode === 'read') return;
    await mkdir(this.options.dir, { recursive: true });
    this.lock = await acquireLogLock(this.options.dir);
    try {
      for (const name of await listTopicNames(this.options.dir)) await this.topic(name);
      await this.applyRetention();
    } catch (err) {
      await this.close();
      throw err;
    }
    this.every(RETENTION_CHECK_MS, () => this.applyRetention());
    if (this.options.fsync === 'interval') this.every(this.options.fsyncIntervalMs, () => this.syncDirty());
  }

  private every(intervalMs: number, task: () => Promise<unknown>): void {
    const timer = setInterval(() => void task().catch(() => undefined), intervalMs);
    timer.unref();
    this.timers.push(timer);
  }

  async ensureTopic(spec: TopicSpec): Promise<void> {
    this.checkWritable();
    checkTopicSpec(spec);
    if (await this.topic(spec.name)) return;
    let creating = this.creating.get(spec.name);
    if (!creating) {
      creating = createTopic(this.options.dir, spec, this.partitionOptions);
      this.creating.set(spec.name, creating);
    }
    try {
      this.topics.set(spec.name, await creating);
    } finally {
      this.creating.delete(spec.name);
    }
  }

  async listTopics(): Promise<string[]> {
    this.checkOpen();
    return listTopicNames(this.options.dir);
  }

  async describeTopic(name: string): Promise<TopicInfo | undefined> {
    this.checkOpen();
    const topic = await this.topic(name);
    if (!topic) return undefined;
    if (this.options.mode === 'read') for (const p of topic.partitions) await p.refresh();
    const partitions = topic.partitions.map((p) => ({
      partition: p.partition,
      firstOffset: p.firstOffset,
      nextOffset: p.nextOffset,
      bytes: p.sizeBytes,
    }));
    return { name, partitions };
  }

  append(name: string, records: readonly ProducerRecord[]): Promise<AppendResult> {
    try {
      return this.enqueue(name, records);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Validates every record (size, partition) before any is queued: a call is written whole or not at all. */
  private enqueue(name: string, records: readonly ProducerRecord[]): Promise<AppendResult> {
    this.checkWritable();
    const topic = this.topics.get(name);
    if (!topic) throw new ShopError('SHOP_LOG_TOPIC_NOT_FOUND', `topic ${name} does not exist`);
    if (records.length === 0) return Promise.resolve({ positions: [] });
    const nowMs = Date.now();
    const prepared = records.map((r) => prepareRecord(r, nowMs));
    const tooLarge = prepared.findIndex((r) => r.encodedBytes > this.options.maxRecordBytes);
    if (tooLarge >= 0) {
      const bytes = prepared[tooLarge]!.encodedBytes;
      throw new ShopError(
        'SHOP_LOG_RECORD_TOO_LARGE',
        `record ${tooLarge} is ${bytes} bytes (max ${this.options.maxRecordBytes})`,
        {
          details: { index: tooLarge, bytes, maxRecordBytes: this.options.maxRecordBytes },
        },
      );
    }
    const partitions = records.map((r) => this.partitionOf(topic, r));
    return new Promise((resolve, reject) => {
      this.pending.push({ partitions, records: prepared, resolve, reject });
      this.flushing ??= this.flushLoop();
    });
  }

  private partitionOf(topic: OpenTopic, record: ProducerRecord): PartitionLog {
    const count = topic.spec.partitions;
    const index =
      record.partition ?? (record.key === null ? topic.nextRoundRobin() : partitionForKey(record.key, count));
    const partition = topic.partitions[index];
    if (!Number.isInteger(index) || !partition) {
      throw new ShopError('SHOP_LOG_PARTITION_NOT_FOUND', `${topic.spec.name} has no partition ${index}`);
    }
    return partition;
  }

  /** Writes waiting appends group by group; clears `flushing` in the same tick it finds none left. */
  private async flushLoop(): Promise<void> {
    while (this.pending.length > 0) {
      const group = this.pending;
      this.pending = [];
      const { touched, rolled } = await commitGroup(group, this.options.fsync === 'always');
      for (const p of touched) {
        if (this.options.fsync === 'interval') this.dirty.add(p);
        this.notifier.notify(p.dir);
      }
      if (rolled) await this.applyRetention().catch(() => undefined);
    }
    this.flushing = undefined;
  }

  async read(name: string, partition: number, offset: number, options: ReadOptions): Promise<LogRecord[]> {
    this.checkOpen();
    const topic = await this.topic(name);
    if (!topic) throw new ShopError('SHOP_LOG_TOPIC_NOT_FOUND', `topic ${name} does not exist`);
    const log = topic.partitions[partition];
    if (!log) throw new ShopError('SHOP_LOG_PARTITION_NOT_FOUND', `${name} has no partition ${partition}`);
    const readOnly = this.options.mode === 'read';
    if (readOnly && offset >= log.nextOffset) await log.refresh();
    if (!Number.isInteger(offset) || offset < log.firstOffset || offset > log.nextOffset) {
      throw new ShopError(
        'SHOP_LOG_OFFSET_OUT_OF_RANGE',
        `${name}/${partition}: offset ${offset} outside [${log.firstOffset}, ${log.nextOffset}]`,
        {
          details: { firstOffset: log.firstOffset, nextOffset: log.nextOffset, offset },
        },
      );
    }
    if (offset === log.nextOffset) await this.waitForData(log, offset, options.maxWaitMs ?? 0);
    if (offset === log.nextOffset || options.maxRecords < 1) return [];
    return log.read(name, offset, options.maxRecords, options.maxBytes ?? Infinity);
  }

  /** Long poll: in-process appends wake the reader at once; a read-only instance polls the files. */
  private async waitForData(log: PartitionLog, offset: number, maxWaitMs: number): Promise<void> {
    const deadline = Date.now() + maxWaitMs;
    while (!this.closed && log.nextOffset === offset && Date.now() < deadline) {
      const remainingMs = deadline - Date.now();
      if (this.options.mode === 'write') {
        await this.notifier.wait(log.dir, remainingMs);
      } else {
        await new Promise((r) => setTimeout(r, Math.min(READ_ONLY_POLL_MS, remainingMs)));
        await log.refresh();
      }
    }
  }

  async commitGroupOffsets(
    group: string,
    topic: string,
    offsets: ReadonlyMap<number, number>,
  ): Promise<void> {
    this.checkWritable();
    await this.groups.commit(group, topic, offsets);
  }

  async groupOffsets(group: string, topic: string): Promise<Map<number, number>> {
    this.checkOpen();
    return this.groups.read(group, topic);
  }

  /** Flushes waiting appends, fsyncs (unless fsync=never), releases the lock. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.flushing;
    for (const timer of this.timers) clearInterval(timer);
    this.notifier.wakeAll();
    for (const topic of this.topics.values()) {
      for (const p of topic.partitions) {
        if (this.options.fsync !== 'never' && this.options.mode === 'write')
          await p.sync().catch(() => undefined);
        await p.close();
      }
    }
    await this.lock?.release();
  }

  private async topic(name: string): Promise<OpenTopic | undefined> {
    const open = this.topics.get(name);
    if (open) return open;
    if (!isValidTopicName(name)) return undefined;
    const loaded = await loadTopic(this.options.dir, name, this.partitionOptions);
    if (loaded) this.topics.set(name, loaded);
    return loaded;
  }

  private async applyRetention(): Promise<void> {
    const nowMs = Date.now();
    for (const topic of this.topics.values()) {
      const { retentionMs, retentionBytes } = topic.spec;
      if (retentionMs === undefined && retentionBytes === undefined) continue;
      for (const p of topic.partitions) await p.applyRetention(nowMs, retentionMs, retentionBytes);
    }
  }

  private async syncDirty(): Promise<void> {
    const partitions = [...this.dirty];
    this.dirty.clear();
    for (const p of partitions) await p.sync();
  }

  private checkOpen(): void {
    if (this.closed) throw new ShopError('SHOP_LOG_CLOSED', `the log at ${this.options.dir} is closed`);
  }

  private checkWritable(): void {
    this.checkOpen();
    if (this.options.mode === 'read')
      throw new ShopError('SHOP_LOG_READ_ONLY', `the log at ${this.options.dir} is open read-only`);
  }
}
