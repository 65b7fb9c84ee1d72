import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { openEmbeddedLog } from '../../../log/embedded/index.js';
import { RAW_TOPIC, type LogRecord } from '../../../log/event-log.js';
import { readAll } from '../../../log/testing/read-all.js';
import { collectorPlugin } from '../collector-plugin.js';
import type { CollectorOptions } from '../collector-options.js';
import { WriteKeyResolver } from '../write-key-resolver.js';
import { FlakyEventLog } from './flaky-event-log.js';

export const TEST_COLLECTOR_OPTIONS: CollectorOptions = {
  requireWriteKey: false,
  corsOrigins: new Set(['https://shop.example']),
  maxEventBytes: 32 * 1024,
  maxBatchBytes: 500 * 1024,
  maxBatchEvents: 2500,
  maxNativeBodyBytes: 4 * 1024 * 1024,
  rateLimitEventsPerSec: 0,
  maxInFlightBytes: 16 * 1024 * 1024,
  maxAppendRecords: 20_000,
  maxConcurrentAppends: 2,
  ackTimeoutMs: 800,
  retryAfterMs: 1000,
  customerPartitions: 2,
  defaultSourceName: 'collector',
};

export interface TestCollector {
  readonly app: FastifyInstance;
  readonly log: FlakyEventLog;
  readonly dir: string;
  /** Every record of a topic, all partitions, in partition then offset order. */
  records(topic?: string): Promise<LogRecord[]>;
  close(): Promise<void>;
}

/** A collector on a fresh embedded log (fsync off) in a temp folder, driven with `app.inject`. */
export async function openTestCollector(
  overrides: Partial<CollectorOptions> = {},
  now?: () => number,
): Promise<TestCollector> {
  const dir = await mkdtemp(join(tmpdir(), 'shopstream-collector-test-'));
  const inner = await openEmbeddedLog({
    dir: join(dir, 'log'),
    mode: 'write',
    fsync: 'never',
    fsyncIntervalMs: 200,
    segmentBytes: 1024 * 1024,
    maxRecordBytes: 1024 * 1024,
  });
  await inner.ensureTopic({ name: RAW_TOPIC, partitions: 2 });
  const log = new FlakyEventLog(inner);
  const app = Fastify({ logger: false });
  const keys = new WriteKeyResolver(join(dir, 'keys.json'), 0);
  await app.register(collectorPlugin, {
    log,
    options: { ...TEST_COLLECTOR_OPTIONS, ...overrides },
    keys,
    ...(now ? { now } : {}),
  });
  await app.ready();
  return {
    app,
    log,
    dir,
    records: (topic = RAW_TOPIC) => readAll(log, topic),
    close: async () => {
      log.releaseHung();
      await app.close();
      await log.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
