import { performance } from 'node:perf_hooks';
import type { ProducerRecord } from '../event-log.js';
import { openEmbeddedLog } from './embedded-log.js';

export interface ThroughputOptions {
  /** An empty folder; the measurement writes a log there (the caller removes it). */
  readonly dir: string;
  readonly records: number;
  readonly valueBytes: number;
  /** Records per append call. */
  readonly batchRecords: number;
  readonly partitions: number;
  readonly fsync: 'always' | 'interval' | 'never';
  readonly segmentBytes?: number;
}

export interface ThroughputReport {
  readonly records: number;
  readonly valueBytes: number;
  readonly appendRecordsPerSec: number;
  readonly appendMBPerSec: number;
  readonly readRecordsPerSec: number;
  readonly readMBPerSec: number;
  readonly bytesOnDisk: number;
}

const TOPIC = 'throughput';
const READ_BATCH_RECORDS = 50_000;

/**
 * Appends `records` keyed records of `valueBytes` in calls of `batchRecords` (each call awaited, so
 * fsync=always pays one fsync per touched partition per call), then reads every partition from 0.
 * Rates are wall-clock over the whole phase.
 */
export async function measureLogThroughput(options: ThroughputOptions): Promise<ThroughputReport> {
  const log = await openEmbeddedLog({
    dir: options.dir,
    mode: 'write',
    fsync: options.fsync,
    fsyncIntervalMs: 200,
    segmentBytes: options.segmentBytes ?? 64 * 1024 * 1024,
    maxRecordBytes: Math.max(1024 * 1024, options.valueBytes + 1024),
  });
  try {
    await log.ensureTopic({ name: TOPIC, partitions: options.partitions });
    const batch = sampleBatch(options.batchRecords, options.valueBytes);
    const appendStart = performance.now();
    for (let done = 0; done < options.records; done += batch.length) {
      await log.append(
        TOPIC,
        done + batch.length <= options.records ? batch : batch.slice(0, options.records - done),
      );
    }
    const appendSec = (performance.now() - appendStart) / 1000;
    const readStart = performance.now();
    let readRecords = 0;
    for (let p = 0; p < options.partitions; p++) {
      for (let offset = 0; ;) {
        const got = await log.read(TOPIC, p, offset, { maxRecords: READ_BATCH_RECORDS });
        if (got.length === 0) break;
        readRecords += got.length;
        offset = got[got.length - 1]!.offset + 1;
      }
    }
    const readSec = (performance.now() - readStart) / 1000;
    const info = await log.describeTopic(TOPIC);
    const mb = (readRecords * options.valueBytes) / 1e6;
    return {
      records: readRecords,
      valueBytes: options.valueBytes,
      appendRecordsPerSec: Math.round(options.records / appendSec),
      appendMBPerSec: Math.round(mb / appendSec),
      readRecordsPerSec: Math.round(readRecords / readSec),
      readMBPerSec: Math.round(mb / readSec),
      bytesOnDisk: info?.partitions.reduce((sum, p) => sum + (p.bytes ?? 0), 0) ?? 0,
    };
  } finally {
    await log.close();
  }
}

function sampleBatch(count: number, valueBytes: number): ProducerRecord[] {
  const records: ProducerRecord[] = [];
  for (let i = 0; i < count; i++) {
    const json = JSON.stringify({ event_id: `e-${i}`, user_id: `u-${i % 5000}`, event_type: 'click' });
    const value = Buffer.alloc(valueBytes, 0x20);
    value.write(json.slice(0, valueBytes));
    records.push({ key: Buffer.from(`u-${i % 5000}`), value });
  }
  return records;
}
