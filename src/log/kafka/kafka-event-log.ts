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
import { createRoundRobin } from '../partitioner.js';
import { assignPartitions, checkRecordSizes, planSendRounds } from './append-plan.js';
import { withDeadline } from './deadline.js';
import { anyClientConnected, closeKafkaClients, type KafkaClients } from './kafka-clients.js';
import { classifyKafkaError } from './kafka-errors.js';
import { commitOffsets, fetchOffsets } from './kafka-group-offsets.js';
import type { ResolvedKafkaLogOptions } from './kafka-log-options.js';
import { fetchRecords } from './kafka-read.js';
import { sendRounds } from './kafka-append.js';
import {
  checkTopicSpec,
  createTopic,
  describePartitions,
  readTopicLayout,
  type TopicLayout,
} from './kafka-topics.js';

const LEADER_POLL_MS = 100;

/**
 * The event-log port over a Kafka-protocol cluster. Appends of one instance are sent one call at a
 * time (the idempotent producer's sequence numbers demand it, and it keeps each call's records of
 * one partition consecutive); reads and admin calls run concurrently. Every call has a deadline.
 */
export class KafkaEventLog implements EventLog {
  readonly kind = 'kafka' as const;
  private readonly layouts = new Map<string, TopicLayout>();
  private readonly roundRobins = new Map<string, () => number>();
  private appendChain: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly clients: KafkaClients,
    private readonly options: ResolvedKafkaLogOptions,
  ) {}

  /** Runs `call` under the request deadline (plus `extraMs`), mapping every failure to a ShopError. */
  private guarded<T>(
    operation: string,
    call: () => Promise<T>,
    extraMs = 0,
    details: Record<string, unknown> = {},
  ): Promise<T> {
    if (this.closed) return Promise.reject(closedError(operation));
    return this.deadline(operation, call, extraMs, details);
  }

  private deadline<T>(
    operation: string,
    call: () => Promise<T>,
    extraMs: number,
    details: Record<string, unknown>,
  ): Promise<T> {
    const timeoutMs = this.options.requestTimeoutMs + extraMs;
    return withDeadline(
      { operation, timeoutMs, details, isConnected: () => anyClientConnected(this.clients) },
      call,
    );
  }

  /** Fails fast with SHOP_LOG_UNAVAILABLE when no broker answers a metadata request. */
  async connect(): Promise<void> {
    await this.guarded('connect', () => this.clients.admin.metadata({ topics: [] }));
  }

  ensureTopic(spec: TopicSpec): Promise<void> {
    return this.guarded(
      'ensureTopic',
      async () => {
        checkTopicSpec(spec);
        await createTopic(
          this.clients.admin,
          spec,
          this.options.replicationFactor,
          this.options.maxBatchBytes,
        );
        await this.waitForLeaders(spec.name);
      },
      0,
      { topic: spec.name },
    );
  }

  /** A new topic's partitions have no leader for a moment; appends and reads need one. */
  private async waitForLeaders(topic: string): Promise<void> {
    for (;;) {
      const layout = await readTopicLayout(this.clients.producer, topic, true);
      if (layout !== undefined && layout.leaders.every((leader) => leader >= 0)) {
        this.layouts.set(topic, layout);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, LEADER_POLL_MS));
    }
  }

  listTopics(): Promise<string[]> {
    return this.guarded('listTopics', () => this.clients.admin.listTopics());
  }

  describeTopic(topic: string): Promise<TopicInfo | undefined> {
    return this.guarded(
      'describeTopic',
      async () => {
        const layout = await readTopicLayout(this.clients.admin, topic, true);
        return layout === undefined
          ? undefined
          : describePartitions(this.clients.admin, topic, layout.partitions);
      },
      0,
      { topic },
    );
  }

  /** A cached layout; refreshed when missing. Throws SHOP_LOG_TOPIC_NOT_FOUND for an unknown topic. */
  private async layout(topic: string, refresh = false): Promise<TopicLayout> {
    const cached = refresh ? undefined : this.layouts.get(topic);
    if (cached !== undefined) return cached;
    const layout = await readTopicLayout(this.clients.producer, topic, true);
    if (layout === undefined)
      throw new ShopError('SHOP_LOG_TOPIC_NOT_FOUND', `topic ${topic} does not exist`, {
        details: { topic },
      });
    this.layouts.set(topic, layout);
    return layout;
  }

  /** Calls made before close() complete; calls after it reject with SHOP_LOG_CLOSED. */
  append(topic: string, records: readonly ProducerRecord[]): Promise<AppendResult> {
    if (this.closed) return Promise.reject(closedError('append'));
    if (records.length === 0) return Promise.resolve({ positions: [] });
    const run = (): Promise<AppendResult> =>
      this.deadline(
        'append',
        async () => {
          checkRecordSizes(topic, records, this.options.maxRecordBytes);
          const layout = await this.layout(topic);
          const assigned = assignPartitions(
            topic,
            records,
            layout.partitions,
            this.roundRobin(topic, layout.partitions),
          );
          const rounds = planSendRounds(topic, records, assigned, this.options.maxBatchBytes);
          try {
            return await sendRounds(this.clients.producer, topic, records, assigned, rounds);
          } catch (err) {
            this.forgetLayoutIfStale(topic, err);
            throw err;
          }
        },
        0,
        { topic, records: records.length },
      );
    const result = this.appendChain.then(run, run);
    this.appendChain = result.catch(() => undefined);
    return result;
  }

  private roundRobin(topic: string, partitions: number): () => number {
    let next = this.roundRobins.get(topic);
    if (next === undefined) {
      next = createRoundRobin(partitions);
      this.roundRobins.set(topic, next);
    }
    return next;
  }

  read(topic: string, partition: number, offset: number, options: ReadOptions): Promise<LogRecord[]> {
    const waitMs = options.maxWaitMs ?? 0;
    return this.guarded(
      'read',
      async () => {
        const layout = await this.layout(topic);
        if (!Number.isInteger(partition) || partition < 0 || partition >= layout.partitions) {
          throw new ShopError('SHOP_LOG_PARTITION_NOT_FOUND', `${topic} has no partition ${partition}`, {
            details: { topic, partition },
          });
        }
        if (!Number.isInteger(offset) || offset < 0) {
          throw new ShopError(
            'SHOP_LOG_OFFSET_OUT_OF_RANGE',
            `${topic}/${partition}: offset ${offset} is not a valid offset`,
          );
        }
        if (options.maxRecords < 1) return [];
        const target = { topic, partition, offset, layout };
        try {
          return await fetchRecords(this.clients.consumer, target, options, this.options.maxFetchBytes);
        } catch (err) {
          if (!this.forgetLayoutIfStale(topic, err)) throw err;
          const fresh = { ...target, layout: await this.layout(topic, true) };
          return fetchRecords(this.clients.consumer, fresh, options, this.options.maxFetchBytes);
        }
      },
      waitMs,
      { topic, partition, offset },
    );
  }

  /** Drops cached metadata after a leader move or a deleted topic; true when the call may be retried. */
  private forgetLayoutIfStale(topic: string, err: unknown): boolean {
    const code = classifyKafkaError(err);
    if (code !== 'SHOP_LOG_UNAVAILABLE' && code !== 'SHOP_LOG_TOPIC_NOT_FOUND') return false;
    this.layouts.delete(topic);
    this.clients.consumer.clearMetadata();
    this.clients.producer.clearMetadata();
    return code === 'SHOP_LOG_UNAVAILABLE';
  }

  commitGroupOffsets(group: string, topic: string, offsets: ReadonlyMap<number, number>): Promise<void> {
    return this.guarded(
      'commitGroupOffsets',
      () => commitOffsets(this.clients.admin, group, topic, offsets),
      0,
      { group, topic },
    );
  }

  groupOffsets(group: string, topic: string): Promise<Map<number, number>> {
    return this.guarded(
      'groupOffsets',
      async () => {
        const layout = await readTopicLayout(this.clients.admin, topic);
        return layout === undefined
          ? new Map<number, number>()
          : fetchOffsets(this.clients.admin, group, topic, layout.partitions);
      },
      0,
      { group, topic },
    );
  }

  /** Waits for appends in flight, then closes the connections. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.appendChain;
    await closeKafkaClients(this.clients);
  }
}

function closedError(operation: string): ShopError {
  return new ShopError('SHOP_LOG_CLOSED', `kafka ${operation} after close()`);
}
