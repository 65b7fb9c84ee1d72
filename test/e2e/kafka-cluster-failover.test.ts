/**
 * Broker failover on a real 3-node KRaft cluster (`scripts/kafka.sh start-cluster`, private run
 * folder and ports): records are appended through the Kafka adapter while the node leading
 * partition 0 is killed with `kill -9`. Proves: appends continue on the surviving replicas within
 * seconds; every acknowledged record is readable exactly at the position its append returned; no
 * acknowledged record is lost; a record is stored twice only when its append failed and the
 * producer sent it again (at-least-once across an unacknowledged append, as documented).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Admin } from '@platformatic/kafka';
import type { EventLog } from '../../src/log/event-log.js';
import { openKafkaLog } from '../../src/log/kafka/index.js';
import { readTopicLayout } from '../../src/log/kafka/kafka-topics.js';
import { readAll } from '../../src/log/testing/read-all.js';
import { startPrivateCluster, type PrivateCluster } from './helpers/distributed-broker.js';

const TOPIC = 'failover.events.v1';
const PARTITIONS = 3;
const BATCH = 200;
const BATCHES_BEFORE_KILL = 15;
const BATCHES_AFTER_KILL = 25;
/** Leader election after a kill -9 waits for the dead node's session to expire (broker default 9 s). */
const FAILOVER_BOUND_MS = 45_000;

let cluster: PrivateCluster;
let log: EventLog;

before(async () => {
  cluster = await startPrivateCluster();
  log = await openKafkaLog({
    brokers: cluster.bootstrap.split(','),
    clientId: 'shopstream-failover-test',
    requestTimeoutMs: 10_000,
    connectTimeoutMs: 3_000,
    replicationFactor: 3,
  });
});

after(async () => {
  await log?.close().catch(() => undefined);
  await cluster?.destroy();
});

async function leaderOf(partition: number): Promise<number> {
  const admin = new Admin({
    clientId: 'shopstream-failover-admin',
    bootstrapBrokers: cluster.bootstrap.split(','),
  });
  try {
    const leader = (await readTopicLayout(admin, TOPIC, true))?.leaders[partition];
    assert.ok(typeof leader === 'number' && leader >= 1 && leader <= 3, `leader of ${partition}: ${leader}`);
    return leader;
  } finally {
    await admin.close();
  }
}

describe('Kafka adapter on a 3-node cluster', { timeout: 600_000 }, () => {
  it('keeps appending through a kill -9 of a partition leader, losing no acknowledged record', async () => {
    await log.ensureTopic({ name: TOPIC, partitions: PARTITIONS, replicationFactor: 3 });
    const acked = new Map<string, { partition: number; offset: number }>();
    const resent = new Set<string>();
    let failedAppends = 0;
    let seq = 0;
    let killedAtMs = 0;
    let firstAckAfterKillMs = 0;
    const victim = await leaderOf(0);

    const appendBatch = async (): Promise<void> => {
      const ids = Array.from({ length: BATCH }, () => `r${String(seq++).padStart(7, '0')}`);
      const records = ids.map((id, i) => ({
        key: Buffer.from(`user_${(seq + i) % 97}`),
        value: Buffer.from(JSON.stringify({ id })),
      }));
      for (let attempt = 1; ; attempt++) {
        try {
          const { positions } = await log.append(TOPIC, records);
          ids.forEach((id, i) => acked.set(id, positions[i]!));
          if (killedAtMs > 0 && firstAckAfterKillMs === 0) firstAckAfterKillMs = Date.now();
          return;
        } catch (err) {
          failedAppends += 1;
          for (const id of ids) resent.add(id);
          assert.ok(
            killedAtMs > 0 && Date.now() - killedAtMs < FAILOVER_BOUND_MS,
            `append failed outside the failover window (attempt ${attempt}): ${String(err)}`,
          );
          await new Promise((r) => setTimeout(r, 500));
        }
      }
    };

    for (let b = 0; b < BATCHES_BEFORE_KILL; b++) await appendBatch();
    killedAtMs = Date.now();
    cluster.killNode(victim);
    for (let b = 0; b < BATCHES_AFTER_KILL; b++) await appendBatch();
    const failoverMs = firstAckAfterKillMs - killedAtMs;
    assert.ok(failoverMs < FAILOVER_BOUND_MS, `first acknowledged append ${failoverMs} ms after the kill`);
    const newLeader = await leaderOf(0);
    assert.notEqual(newLeader, victim, 'partition 0 has a new leader');

    // Everything stored, read back from the surviving replicas, then again with the node back.
    const stored = async (): Promise<Map<string, Array<{ partition: number; offset: number }>>> => {
      const copies = new Map<string, Array<{ partition: number; offset: number }>>();
      for (const r of await readAll(log, TOPIC)) {
        const id = (JSON.parse(r.value.toString('utf8')) as { id: string }).id;
        copies.set(id, [...(copies.get(id) ?? []), { partition: r.partition, offset: r.offset }]);
      }
      return copies;
    };
    const check = (copiesById: Map<string, Array<{ partition: number; offset: number }>>) => {
      assert.equal(acked.size, (BATCHES_BEFORE_KILL + BATCHES_AFTER_KILL) * BATCH);
      for (const [id, position] of acked) {
        const copies = copiesById.get(id) ?? [];
        assert.ok(
          copies.some((c) => c.partition === position.partition && c.offset === position.offset),
          `${id} acknowledged at ${position.partition}/${position.offset}, stored at ${JSON.stringify(copies)}`,
        );
        if (copies.length > 1) assert.ok(resent.has(id), `${id} stored ${copies.length} times but sent once`);
      }
      for (const id of copiesById.keys()) assert.ok(acked.has(id), `${id} stored but never sent`);
    };
    check(await stored());
    await cluster.startNode(victim);
    check(await stored());
    const duplicates = [...(await stored()).values()].filter((c) => c.length > 1).length;
    process.stdout.write(
      `# failover: node ${victim} killed, partition 0 led by ${newLeader}; first ack ${failoverMs} ms after the kill; ` +
        `${failedAppends} failed append(s); ${duplicates} record(s) stored twice (all re-sent)\n`,
    );
  });
});
