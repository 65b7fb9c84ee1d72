import type { Consumer, RecordsBatch } from '@platformatic/kafka';
import { ShopError } from '../../errors/index.js';
import type { LogRecord, ReadOptions } from '../event-log.js';
import { MAX_READ_WAIT_MS } from './kafka-clients.js';
import type { TopicLayout } from './kafka-topics.js';

/** Record-batch attribute bits (Kafka message format v2). */
const CONTROL_BATCH = 0x20;
const LOG_APPEND_TIME = 0x08;

export interface FetchTarget {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly layout: TopicLayout;
}

/**
 * One Fetch request at an explicit offset, outside any consumer group. Kafka answers
 * OFFSET_OUT_OF_RANGE for an offset below the log start or above the high watermark; at the high
 * watermark it waits up to maxWaitMs for new records and may answer with none.
 */
export async function fetchRecords(
  consumer: Consumer<Buffer, Buffer, Buffer, Buffer>,
  target: FetchTarget,
  options: ReadOptions,
  maxFetchBytes: number,
): Promise<LogRecord[]> {
  const leader = target.layout.leaders[target.partition] ?? -1;
  if (leader < 0) {
    throw new ShopError('SHOP_LOG_UNAVAILABLE', `${target.topic}/${target.partition} has no leader`);
  }
  const fetchBytes = Math.max(1, Math.min(options.maxBytes ?? maxFetchBytes, maxFetchBytes));
  const response = await consumer.fetch({
    node: leader,
    maxWaitTime: Math.min(Math.max(options.maxWaitMs ?? 0, 0), MAX_READ_WAIT_MS),
    minBytes: 1,
    maxBytes: fetchBytes,
    topics: [
      {
        topicId: target.layout.topicId,
        partitions: [
          {
            partition: target.partition,
            currentLeaderEpoch: -1,
            fetchOffset: BigInt(target.offset),
            lastFetchedEpoch: -1,
            partitionMaxBytes: fetchBytes,
          },
        ],
      },
    ],
  });
  const batches =
    response.responses[0]?.partitions.find((p) => p.partitionIndex === target.partition)?.records ?? [];
  return decodeBatches(target, batches, options);
}

/**
 * Flattens fetched batches into LogRecords with offset >= target.offset (a fetch starts at the
 * batch holding the offset), skipping control batches; stops at maxRecords, and once maxBytes of
 * values are collected (the first record is always returned).
 */
export function decodeBatches(
  target: Omit<FetchTarget, 'layout'>,
  batches: readonly RecordsBatch[],
  options: ReadOptions,
): LogRecord[] {
  const out: LogRecord[] = [];
  let valueBytes = 0;
  for (const batch of batches) {
    if ((batch.attributes & CONTROL_BATCH) !== 0) continue;
    for (const record of batch.records) {
      const offset = Number(batch.firstOffset) + record.offsetDelta;
      if (offset < target.offset) continue;
      const value = record.value ?? Buffer.alloc(0);
      if (out.length >= options.maxRecords) return out;
      if (out.length > 0 && options.maxBytes !== undefined && valueBytes + value.length > options.maxBytes)
        return out;
      valueBytes += value.length;
      const timestampMs =
        (batch.attributes & LOG_APPEND_TIME) !== 0
          ? Number(batch.maxTimestamp)
          : Number(batch.firstTimestamp + record.timestampDelta);
      out.push({
        topic: target.topic,
        partition: target.partition,
        offset,
        key: record.key,
        value,
        timestampMs,
        ...headersOf(record.headers),
      });
    }
  }
  return out;
}

function headersOf(headers: ReadonlyArray<[Buffer | null, Buffer | null]>): {
  headers?: Record<string, string>;
} {
  if (headers.length === 0) return {};
  const out: Record<string, string> = {};
  for (const [name, value] of headers) {
    if (name !== null) out[name.toString('utf8')] = value === null ? '' : value.toString('utf8');
  }
  return { headers: out };
}
