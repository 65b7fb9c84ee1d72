/**
 * The event-log port. Two adapters implement it: `embedded/` (a partitioned, CRC-checked file log,
 * the default) and `kafka/` (any Kafka-protocol broker). Both must pass `test/conformance/event-log`;
 * they may never behave differently.
 *
 * Guarantees every adapter gives:
 * - Offsets are dense per partition: 0, 1, 2, ... (minus what retention removed from the front).
 * - `append` resolves only when the records are durable per the adapter's policy (fsync'd file,
 *   or Kafka `acks=all`); on rejection none of the records of that call may be assumed written.
 *   Records of one call that share a partition keep their order and get consecutive offsets.
 * - A record's partition is `partitionForKey(key, partitions)` (Kafka's murmur2 default
 *   partitioner), or the explicit `partition` when given; key-less records go round-robin.
 * - `read` never returns a torn or corrupt record.
 */

export interface ProducerRecord {
  readonly key: Buffer | null;
  readonly value: Buffer;
  /** Log timestamp (producer create time); now when omitted. */
  readonly timestampMs?: number;
  /** Forces the partition, bypassing the key partitioner. */
  readonly partition?: number;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface LogRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: Buffer | null;
  readonly value: Buffer;
  readonly timestampMs: number;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor?: number;
  /** Delete whole segments older than this (by their newest record's log time); undefined = forever. */
  readonly retentionMs?: number;
  /** Keep at most about this many bytes per partition (whole segments are deleted); undefined = no limit. */
  readonly retentionBytes?: number;
}

export interface PartitionInfo {
  readonly partition: number;
  /** Offset of the first record still retained. */
  readonly firstOffset: number;
  /** Offset the next appended record will get (the "high watermark"). */
  readonly nextOffset: number;
  /** Bytes on disk (embedded) or an estimate (Kafka); undefined when unknown. */
  readonly bytes?: number;
}

export interface TopicInfo {
  readonly name: string;
  readonly partitions: readonly PartitionInfo[];
}

export interface AppendResult {
  /** For each record of the call, in call order: where it landed. */
  readonly positions: ReadonlyArray<{ readonly partition: number; readonly offset: number }>;
}

export interface ReadOptions {
  /** Upper bound on records returned. */
  readonly maxRecords: number;
  /** Soft upper bound on value bytes returned (at least one record is returned when available). */
  readonly maxBytes?: number;
  /** When nothing is available at `offset`, wait up to this long for new records (0 = return at once). */
  readonly maxWaitMs?: number;
}

export interface EventLog {
  readonly kind: 'embedded' | 'kafka';
  /** Creates the topic when missing; an existing topic is left as it is. */
  ensureTopic(spec: TopicSpec): Promise<void>;
  listTopics(): Promise<string[]>;
  /** undefined when the topic does not exist. */
  describeTopic(topic: string): Promise<TopicInfo | undefined>;
  append(topic: string, records: readonly ProducerRecord[]): Promise<AppendResult>;
  /**
   * Records of one partition with offset >= `offset`, in offset order. `offset` equal to the
   * partition's next offset returns [] (after waiting up to maxWaitMs). An offset below the first
   * retained one or above the next one throws SHOP_LOG_OFFSET_OUT_OF_RANGE.
   */
  read(topic: string, partition: number, offset: number, options: ReadOptions): Promise<LogRecord[]>;
  /** Consumer-group offsets (the next offset to read), kept for lag monitoring and plain consumers. */
  commitGroupOffsets(group: string, topic: string, offsets: ReadonlyMap<number, number>): Promise<void>;
  groupOffsets(group: string, topic: string): Promise<Map<number, number>>;
  close(): Promise<void>;
}

/** The raw topic every source writes to; key = user_id. */
export const RAW_TOPIC = 'ecom.events.raw.v1';
