/**
 * The collector over a real Kafka broker (a private one: the test stops it): with the broker down
 * every request is answered 503 + Retry-After within a second (never a hang), and once the broker
 * is back the collector accepts again by itself, with no restart. Every event answered 200 is in
 * the log. An event answered 503 is not acknowledged; it may still land if its produce request
 * was already on the wire, which is why clients retry with the same messageId and the processor
 * dedupes by event_id.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { RAW_TOPIC, type EventLog } from '../../src/log/event-log.js';
import { openKafkaLog } from '../../src/log/kafka/index.js';
import { collectorPlugin } from '../../src/sources/collector/collector-plugin.js';
import { readAll } from '../../src/log/testing/read-all.js';
import { TEST_COLLECTOR_OPTIONS } from '../../src/sources/collector/testing/open-test-collector.js';
import { WriteKeyResolver } from '../../src/sources/collector/write-key-resolver.js';
import { startPrivateBroker, type PrivateBroker } from './helpers/distributed-broker.js';

const RECOVERY_BOUND_MS = 90_000;

let broker: PrivateBroker;
let log: EventLog;
let app: FastifyInstance;
let dir: string;

before(async () => {
  broker = await startPrivateBroker();
  log = await openKafkaLog({ brokers: [broker.bootstrap], requestTimeoutMs: 5_000, connectTimeoutMs: 2_000 });
  await log.ensureTopic({ name: RAW_TOPIC, partitions: 2 });
  dir = mkdtempSync(join(tmpdir(), 'shopstream-collector-kafka-'));
  app = Fastify({ logger: false });
  await app.register(collectorPlugin, {
    log,
    options: { ...TEST_COLLECTOR_OPTIONS, ackTimeoutMs: 800, retryAfterMs: 1_000 },
    keys: new WriteKeyResolver(join(dir, 'keys.json'), 0),
  });
  await app.ready();
});

after(async () => {
  await app?.close();
  await log?.close().catch(() => undefined);
  await broker?.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const track = () => ({
  event: 'Product Clicked',
  messageId: randomUUID(),
  anonymousId: 'a1',
  properties: { product_id: 'p1' },
});

async function post(): Promise<{ id: string; status: number; ms: number; retryAfter: unknown }> {
  const body = track();
  const started = performance.now();
  const res = await app.inject({ method: 'POST', url: '/v1/track', payload: body });
  return {
    id: body.messageId,
    status: res.statusCode,
    ms: performance.now() - started,
    retryAfter: res.headers['retry-after'],
  };
}

describe('collector on Kafka with the broker stopped', { timeout: 600_000 }, () => {
  it('answers 503 within a second while the broker is down and recovers by itself', async () => {
    const acked: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await post();
      assert.equal(r.status, 200);
      acked.push(r.id);
    }
    await broker.stop();
    const down: Array<{ status: number; ms: number }> = [];
    for (let i = 0; i < 5; i++) {
      const r = await post();
      assert.equal(r.status, 503, `request ${i} with the broker down: ${r.status}`);
      assert.ok(r.ms < 1_000, `503 after ${Math.round(r.ms)} ms`);
      assert.ok(Number(r.retryAfter) >= 1, 'Retry-After set');
      down.push(r);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    await broker.start();
    const restartedAt = Date.now();
    let recoveredAfterMs = -1;
    while (Date.now() - restartedAt < RECOVERY_BOUND_MS) {
      const r = await post();
      if (r.status === 200) {
        acked.push(r.id);
        recoveredAfterMs = Date.now() - restartedAt;
        break;
      }
      assert.equal(r.status, 503);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    assert.ok(recoveredAfterMs >= 0, `no 200 within ${RECOVERY_BOUND_MS} ms of the broker restart`);
    for (let i = 0; i < 5; i++) {
      const r = await post();
      assert.equal(r.status, 200);
      acked.push(r.id);
    }
    const stored = new Set(
      (await readAll(log, RAW_TOPIC)).map(
        (rec) => (JSON.parse(rec.value.toString()) as { event_id: string }).event_id,
      ),
    );
    for (const id of acked) assert.ok(stored.has(id), `acknowledged ${id} missing from the log`);
    process.stdout.write(
      `# broker down: 503 in ${down.map((d) => Math.round(d.ms)).join('/')} ms; ` +
        `first 200 ${recoveredAfterMs} ms after the broker restart\n`,
    );
  });
});
