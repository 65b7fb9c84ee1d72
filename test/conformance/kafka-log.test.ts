import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, test } from 'node:test';
import type { EventLog, LogRecord } from '../../src/log/event-log.js';
import { partitionForKey } from '../../src/log/partitioner.js';
import {
  kafkaJarsDir,
  openTestKafkaLog,
  testKafkaBootstrap,
  uniqueTopic,
  type TestKafkaLog,
} from '../helpers/kafka.js';
import { eventLogConformance, type EventLogHarness } from './event-log-suite.js';

const MAX_RECORD_BYTES = 256 * 1024;

/** A harness over the test broker: reopen() is a new client on the same cluster. */
async function kafkaHarness(): Promise<EventLogHarness> {
  const created = new Set<string>();
  const open = (): Promise<TestKafkaLog> => openTestKafkaLog({ maxRecordBytes: MAX_RECORD_BYTES }, created);
  let current = await open();
  return {
    get log(): EventLog {
      return current.log;
    },
    maxRecordBytes: MAX_RECORD_BYTES,
    async reopen() {
      await current.log.close();
      current = await open();
      return current.log;
    },
    async cleanup() {
      await current.cleanup();
    },
  };
}

eventLogConformance('kafka', kafkaHarness);

describe('kafka adapter: agreement with the Java client', () => {
  test("partitionForKey matches the partition Java's default partitioner picks (kafka-console-producer)", async () => {
    const { log, cleanup } = await openTestKafkaLog();
    try {
      const topic = uniqueTopic('java-partitioner');
      const partitions = 7;
      await log.ensureTopic({ name: topic, partitions });
      const keys = [
        ...Array.from({ length: 300 }, (_, i) => `user-${i}`),
        '21',
        'foobar',
        'é',
        'größe-✓',
        'a',
        'ab',
        'abc',
        'abcd',
      ];
      await produceWithJavaConsoleProducer((await testKafkaBootstrap()).split(',')[0]!, topic, keys);
      const landed = new Map<string, number>();
      for (let partition = 0; partition < partitions; partition++) {
        for (const record of await readPartition(log, topic, partition))
          landed.set(record.key!.toString('utf8'), partition);
      }
      assert.equal(landed.size, keys.length);
      const mismatches = keys.filter(
        (k) => landed.get(k) !== partitionForKey(Buffer.from(k, 'utf8'), partitions),
      );
      assert.deepEqual(mismatches, []);
      assert.ok(new Set(landed.values()).size === partitions, 'the keys should cover every partition');
    } finally {
      await cleanup();
    }
  });
});

/** One `key<TAB>value` line per key through org.apache.kafka.tools.ConsoleProducer (no partition given). */
async function produceWithJavaConsoleProducer(
  bootstrap: string,
  topic: string,
  keys: readonly string[],
): Promise<void> {
  const jars = await kafkaJarsDir();
  const args = [
    '-cp',
    `${jars}/*`,
    'org.apache.kafka.tools.ConsoleProducer',
    '--bootstrap-server',
    bootstrap,
    '--topic',
    topic,
    '--property',
    'parse.key=true',
    '--property',
    'key.separator=\t',
    '--producer-property',
    'acks=all',
  ];
  const child = spawn('java', args, { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(keys.map((k) => `${k}\t${k}`).join('\n') + '\n');
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 0, `ConsoleProducer failed: ${stderr.slice(-2000)}`);
}

async function readPartition(log: EventLog, topic: string, partition: number): Promise<LogRecord[]> {
  const out: LogRecord[] = [];
  for (let offset = 0; ; offset = out[out.length - 1]!.offset + 1) {
    const got = await log.read(topic, partition, offset, { maxRecords: 1000 });
    if (got.length === 0) return out;
    out.push(...got);
  }
}
