import type { Admin, BaseOptions, Base } from '@platformatic/kafka';
import { ShopError } from '../../errors/index.js';
import type { PartitionInfo, TopicInfo, TopicSpec } from '../event-log.js';
import { classifyKafkaError, collectErrorFacts } from './kafka-errors.js';

/** What the adapter needs to know of a topic to produce to it and fetch from it. */
export interface TopicLayout {
  readonly topicId: string;
  readonly partitions: number;
  /** Leader broker id per partition (-1 while none is elected). */
  readonly leaders: readonly number[];
}

const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;
/** ListOffsets timestamps meaning "earliest retained" and "next offset" (latest). */
const EARLIEST = -2n;
const LATEST = -1n;

/** Kafka's topic-name rule (the embedded log applies the same one). */
export function checkTopicSpec(spec: TopicSpec): void {
  if (!TOPIC_NAME.test(spec.name) || spec.name === '.' || spec.name === '..') {
    throw new ShopError(
      'SHOP_LOG_INVALID_TOPIC',
      `bad topic name ${JSON.stringify(spec.name)} (allowed: [a-zA-Z0-9._-], 1-249 chars)`,
    );
  }
  if (!Number.isInteger(spec.partitions) || spec.partitions < 1) {
    throw new ShopError('SHOP_LOG_INVALID_TOPIC', `topic ${spec.name}: partitions must be an integer >= 1`);
  }
}

/** Kafka topic configs of a spec: retention (-1 = unlimited) and the largest batch a produce may carry. */
export function topicConfigs(spec: TopicSpec, maxBatchBytes: number): Array<{ name: string; value: string }> {
  return [
    { name: 'retention.ms', value: String(spec.retentionMs ?? -1) },
    { name: 'retention.bytes', value: String(spec.retentionBytes ?? -1) },
    { name: 'max.message.bytes', value: String(maxBatchBytes) },
  ];
}

/** Creates the topic; an existing topic is left as it is (TOPIC_ALREADY_EXISTS is success). */
export async function createTopic(
  admin: Admin,
  spec: TopicSpec,
  replicationFactor: number,
  maxBatchBytes: number,
): Promise<void> {
  try {
    await admin.createTopics({
      topics: [spec.name],
      partitions: spec.partitions,
      replicas: spec.replicationFactor ?? replicationFactor,
      configs: topicConfigs(spec, maxBatchBytes),
    });
  } catch (err) {
    if (!hasApiId(err, 'TOPIC_ALREADY_EXISTS')) throw err;
  }
}

/** The topic's layout, or undefined when the broker does not know the topic. */
export async function readTopicLayout<O extends BaseOptions>(
  client: Base<O>,
  topic: string,
  forceUpdate = false,
): Promise<TopicLayout | undefined> {
  try {
    const metadata = await client.metadata({ topics: [topic], forceUpdate, autocreateTopics: false });
    const t = metadata.topics.get(topic);
    if (t === undefined) return undefined;
    return { topicId: t.id, partitions: t.partitionsCount, leaders: t.partitions.map((p) => p.leader) };
  } catch (err) {
    if (classifyKafkaError(err) === 'SHOP_LOG_TOPIC_NOT_FOUND') return undefined;
    throw err;
  }
}

/** First and next offsets of every partition (ListOffsets earliest + latest). */
export async function describePartitions(
  admin: Admin,
  topic: string,
  partitions: number,
): Promise<TopicInfo> {
  const ids = Array.from({ length: partitions }, (_, i) => i);
  const [earliest, latest] = await Promise.all(
    [EARLIEST, LATEST].map((timestamp) =>
      admin.listOffsets({
        topics: [{ name: topic, partitions: ids.map((partitionIndex) => ({ partitionIndex, timestamp })) }],
      }),
    ),
  );
  const offsetOf = (listed: typeof earliest, partition: number): number => {
    const found = listed?.[0]?.partitions.find((p) => p.partitionIndex === partition);
    if (found === undefined)
      throw new ShopError('SHOP_LOG_PARTITION_NOT_FOUND', `${topic}/${partition}: no offsets listed`);
    return Number(found.offset);
  };
  const infos: PartitionInfo[] = ids.map((partition) => ({
    partition,
    firstOffset: offsetOf(earliest, partition),
    nextOffset: offsetOf(latest, partition),
  }));
  return { name: topic, partitions: infos };
}

function hasApiId(err: unknown, apiId: string): boolean {
  return collectErrorFacts(err).apiIds.includes(apiId);
}
