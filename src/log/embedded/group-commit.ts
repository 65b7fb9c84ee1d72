import type { AppendResult } from '../event-log.js';
import type { PartitionLog } from './partition-log.js';
import { batchBytesOf, encodeBatch, fitsTimestampDelta, type PreparedRecord } from './record-batch-codec.js';

/** Batches are cut at this size so a reader never needs a bigger buffer for one batch. */
const MAX_BATCH_BYTES = 8 * 1024 * 1024;

/** One waiting `append` call, its records already validated and assigned to partitions. */
export interface PendingAppend {
  readonly partitions: readonly PartitionLog[];
  readonly records: readonly PreparedRecord[];
  resolve(result: AppendResult): void;
  reject(err: unknown): void;
}

interface PartitionWork {
  readonly log: PartitionLog;
  readonly records: PreparedRecord[];
}

/**
 * Group commit: writes every record of the waiting calls, one write per touched partition (and, with
 * `fsyncEachAppend`, one fsync per touched partition file), then resolves each call with its
 * positions. Records keep call order within a partition, so one call's records get consecutive
 * offsets. On failure every call of the group is rejected; records of partitions that were written
 * stay written (the port allows that: a rejected append may have been partly written).
 * Returns the touched partitions and whether any segment rolled.
 */
export async function commitGroup(
  group: readonly PendingAppend[],
  fsyncEachAppend: boolean,
): Promise<{
  touched: PartitionLog[];
  rolled: boolean;
}> {
  const work = new Map<PartitionLog, PartitionWork>();
  const positions = group.map((call) =>
    call.records.map((record, i) => {
      const log = call.partitions[i]!;
      let entry = work.get(log);
      if (!entry) work.set(log, (entry = { log, records: [] }));
      entry.records.push(record);
      return { partition: log.partition, offset: log.nextOffset + entry.records.length - 1 };
    }),
  );
  try {
    const results = await Promise.all([...work.values()].map((w) => writePartition(w, fsyncEachAppend)));
    for (const [i, call] of group.entries()) call.resolve({ positions: positions[i]! });
    return { touched: [...work.keys()], rolled: results.some((r) => r.rolled) };
  } catch (err) {
    for (const call of group) call.reject(err);
    return { touched: [], rolled: false };
  }
}

async function writePartition(work: PartitionWork, fsyncEachAppend: boolean): Promise<{ rolled: boolean }> {
  const buffer = encodeBatches(work.log.nextOffset, work.records);
  let maxTimestampMs = 0;
  for (const r of work.records) if (r.timestampMs > maxTimestampMs) maxTimestampMs = r.timestampMs;
  const result = await work.log.append(buffer, work.records.length, maxTimestampMs);
  if (fsyncEachAppend) await work.log.sync();
  return result;
}

/** Encodes records as consecutive batches from `baseOffset` into one buffer. */
export function encodeBatches(baseOffset: number, records: readonly PreparedRecord[]): Buffer {
  const cuts: Array<[number, number]> = [];
  let start = 0;
  let bytes = batchBytesOf([]);
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    const full =
      i > start &&
      (bytes + r.encodedBytes > MAX_BATCH_BYTES || !fitsTimestampDelta(records[start]!.timestampMs, r));
    if (full) {
      cuts.push([start, i]);
      start = i;
      bytes = batchBytesOf([]);
    }
    bytes += r.encodedBytes;
  }
  cuts.push([start, records.length]);
  const total = cuts.reduce((sum, [from, to]) => sum + batchBytesOf(records.slice(from, to)), 0);
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  for (const [from, to] of cuts) at = encodeBatch(baseOffset + from, records.slice(from, to), out, at);
  return out;
}
