import { ShopError } from '../../errors/index.js';
import type { ProducerRecord } from '../event-log.js';
import { partitionForKey } from '../partitioner.js';

/** Bytes a record adds to a Kafka record batch beyond key, value and headers (varints, deltas, attributes). */
const RECORD_OVERHEAD_BYTES = 24;

/** Size estimate of a record inside a batch; an upper bound of its encoded v2 record size. */
export function recordBytes(record: ProducerRecord): number {
  let bytes = RECORD_OVERHEAD_BYTES + record.value.length + (record.key?.length ?? 0);
  for (const [name, value] of Object.entries(record.headers ?? {})) {
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value) + 10;
  }
  return bytes;
}

/** Encoded size of a record as the embedded log counts it: key + value + header bytes + 14 bytes of framing. */
export function encodedRecordBytes(record: ProducerRecord): number {
  let bytes = 14 + record.value.length + (record.key?.length ?? 0);
  for (const [name, value] of Object.entries(record.headers ?? {}))
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value);
  return bytes;
}

/** Rejects the whole call (nothing is sent) when any record is larger than `maxRecordBytes`. */
export function checkRecordSizes(
  topic: string,
  records: readonly ProducerRecord[],
  maxRecordBytes: number,
): void {
  records.forEach((record, index) => {
    const bytes = encodedRecordBytes(record);
    if (bytes > maxRecordBytes) {
      throw new ShopError(
        'SHOP_LOG_RECORD_TOO_LARGE',
        `record ${index} for ${topic} is ${bytes} bytes (max ${maxRecordBytes})`,
        {
          details: { topic, index, bytes, maxRecordBytes },
        },
      );
    }
  });
}

/**
 * The partition of every record, in call order: the explicit `partition` when given (it must
 * exist), else `partitionForKey(key, partitions)` (Kafka's murmur2 default partitioner), else the
 * next round-robin partition.
 */
export function assignPartitions(
  topic: string,
  records: readonly ProducerRecord[],
  partitions: number,
  nextRoundRobin: () => number,
): number[] {
  return records.map((record) => {
    if (record.partition !== undefined) {
      if (!Number.isInteger(record.partition) || record.partition < 0 || record.partition >= partitions) {
        throw new ShopError(
          'SHOP_LOG_PARTITION_NOT_FOUND',
          `${topic} has no partition ${record.partition} (partitions: ${partitions})`,
        );
      }
      return record.partition;
    }
    return record.key === null ? nextRoundRobin() : partitionForKey(record.key, partitions);
  });
}

/**
 * Splits the record indices of one append into produce rounds such that each partition's batch in
 * a round stays within `maxBatchBytes` (a batch holds at least one record). Rounds are sent one
 * after the other, so per-partition order is the call order. A record larger than
 * `maxBatchBytes` alone is rejected before anything is sent.
 */
export function planSendRounds(
  topic: string,
  records: readonly ProducerRecord[],
  assigned: readonly number[],
  maxBatchBytes: number,
): number[][] {
  const rounds: number[][] = [];
  /** Per partition: the round it currently fills and the bytes already in it. */
  const fill = new Map<number, { round: number; bytes: number }>();
  records.forEach((record, index) => {
    const bytes = recordBytes(record);
    if (bytes > maxBatchBytes) {
      throw new ShopError(
        'SHOP_LOG_RECORD_TOO_LARGE',
        `a record of ${bytes} bytes exceeds maxBatchBytes ${maxBatchBytes} of ${topic}`,
        {
          details: { topic, index, bytes, maxBatchBytes },
        },
      );
    }
    const partition = assigned[index]!;
    let current = fill.get(partition);
    if (current === undefined || current.bytes + bytes > maxBatchBytes) {
      current = { round: current === undefined ? 0 : current.round + 1, bytes: 0 };
      fill.set(partition, current);
    }
    current.bytes += bytes;
    (rounds[current.round] ??= []).push(index);
  });
  return rounds;
}
