/**
 * Throughput of the Kafka adapter against a running broker:
 *   npx tsx scripts/kafka/bench-kafka-log.ts [--brokers 127.0.0.1:59092] [--records 500000]
 *       [--batch 10000] [--value-bytes 250] [--partitions 4]
 * Produces keyed records (key = a user id, value = random JSON-like bytes) in append calls of
 * `--batch` records, then reads every partition back from offset 0. Prints records/s and MB/s of
 * both phases; deletes its topic at the end.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Admin } from '@platformatic/kafka';
import type { EventLog, ProducerRecord } from '../../src/log/event-log.js';
import { openKafkaLog } from '../../src/log/kafka/index.js';

const { values: args } = parseArgs({
  options: {
    brokers: { type: 'string', default: '127.0.0.1:59092' },
    records: { type: 'string', default: '500000' },
    batch: { type: 'string', default: '10000' },
    'value-bytes': { type: 'string', default: '250' },
    partitions: { type: 'string', default: '4' },
  },
});
const brokers = args.brokers.split(',');
const total = Number(args.records);
const batchSize = Number(args.batch);
const valueBytes = Number(args['value-bytes']);
const partitions = Number(args.partitions);

function makeBatch(size: number, seed: number): ProducerRecord[] {
  const filler = randomBytes(valueBytes)
    .toString('base64')
    .slice(0, valueBytes - 40);
  return Array.from({ length: size }, (_, i) => ({
    key: Buffer.from(`user-${(seed + i) % 50_000}`),
    value: Buffer.from(`{"i":${seed + i},"pad":"${filler}"}`.padEnd(valueBytes, ' ')),
  }));
}

async function produce(log: EventLog, topic: string): Promise<number> {
  const batches = Array.from({ length: Math.ceil(total / batchSize) }, (_, b) =>
    makeBatch(Math.min(batchSize, total - b * batchSize), b * batchSize),
  );
  const started = performance.now();
  for (const batch of batches) await log.append(topic, batch);
  return performance.now() - started;
}

async function readBack(log: EventLog, topic: string): Promise<{ ms: number; count: number }> {
  const started = performance.now();
  let count = 0;
  for (let partition = 0; partition < partitions; partition++) {
    for (let offset = 0; ;) {
      const got = await log.read(topic, partition, offset, { maxRecords: 50_000 });
      if (got.length === 0) break;
      count += got.length;
      offset = got[got.length - 1]!.offset + 1;
    }
  }
  return { ms: performance.now() - started, count };
}

function report(phase: string, count: number, ms: number): void {
  const perSec = Math.round((count / ms) * 1000);
  const mbPerSec = ((count * valueBytes) / 1e6 / (ms / 1000)).toFixed(1);
  console.log(
    `${phase}: ${count} records in ${(ms / 1000).toFixed(2)} s = ${perSec.toLocaleString('en')} records/s (${mbPerSec} MB/s of values)`,
  );
}

const topic = `bench-kafka-log-${Date.now().toString(36)}`;
const log = await openKafkaLog({ brokers, requestTimeoutMs: 30_000 });
try {
  await log.ensureTopic({ name: topic, partitions });
  report(`produce (append of ${batchSize}, acks=all, idempotent)`, total, await produce(log, topic));
  const read = await readBack(log, topic);
  report('read (explicit-offset fetch)', read.count, read.ms);
  if (read.count !== total) throw new Error(`read ${read.count} records, produced ${total}`);
} finally {
  await log.close();
  const admin = new Admin({ clientId: 'bench-cleanup', bootstrapBrokers: brokers });
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.close();
}
