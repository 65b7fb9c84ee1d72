import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { isShopError, type ErrorCode } from '../../src/errors/index.js';
import type { EventLog, LogRecord, ProducerRecord } from '../../src/log/event-log.js';
import { partitionForKey } from '../../src/log/partitioner.js';

/** What an adapter under test provides. Every test gets a fresh harness and calls cleanup() at the end. */
export interface EventLogHarness {
  /** The current instance (replaced by reopen()). */
  readonly log: EventLog;
  /** Closes the current instance and opens a new one on the same storage (directory, cluster). */
  reopen(): Promise<EventLog>;
  /** The adapter's largest accepted record (encoded size); values a little smaller must pass. */
  readonly maxRecordBytes: number;
  /** Closes whatever instance is open and removes what the harness created. */
  cleanup(): Promise<void>;
}

const topicName = (label: string): string => `conf-${label}-${randomBytes(4).toString('hex')}`;
const text = (value: string): Buffer => Buffer.from(value, 'utf8');

async function readAll(log: EventLog, topic: string, partition: number, from = 0): Promise<LogRecord[]> {
  const out: LogRecord[] = [];
  for (let offset = from; ;) {
    const got = await log.read(topic, partition, offset, { maxRecords: 1000 });
    if (got.length === 0) return out;
    out.push(...got);
    offset = got[got.length - 1]!.offset + 1;
  }
}

async function rejectsWith(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  await assert.rejects(
    promise,
    (err: unknown) => isShopError(err, code) || assert.fail(`expected ${code}, got ${String(err)}`),
  );
}

/**
 * The event-log port's conformance suite: every adapter (embedded, Kafka) must pass it unchanged.
 * Tests only use the port (`EventLog`) and `partitionForKey`.
 */
export function eventLogConformance(name: string, factory: () => Promise<EventLogHarness>): void {
  const withLog = (title: string, body: (h: EventLogHarness) => Promise<void>): void => {
    test(title, async () => {
      const harness = await factory();
      try {
        await body(harness);
      } finally {
        await harness.cleanup();
      }
    });
  };

  describe(`event log conformance: ${name}`, () => {
    withLog('ensureTopic is idempotent and never changes an existing topic', async ({ log }) => {
      const topic = topicName('ensure');
      await log.ensureTopic({ name: topic, partitions: 3 });
      await log.ensureTopic({ name: topic, partitions: 3 });
      await log.ensureTopic({ name: topic, partitions: 5 });
      assert.equal((await log.describeTopic(topic))?.partitions.length, 3);
    });

    withLog(
      'listTopics and describeTopic show created topics, undefined for unknown ones',
      async ({ log }) => {
        const topic = topicName('describe');
        await log.ensureTopic({ name: topic, partitions: 2 });
        assert.ok((await log.listTopics()).includes(topic));
        const info = await log.describeTopic(topic);
        assert.equal(info?.name, topic);
        assert.deepEqual(
          info?.partitions.map((p) => [p.partition, p.firstOffset, p.nextOffset]),
          [
            [0, 0, 0],
            [1, 0, 0],
          ],
        );
        assert.equal(await log.describeTopic(topicName('missing')), undefined);
      },
    );

    withLog('append returns dense consecutive offsets per partition', async ({ log }) => {
      const topic = topicName('dense');
      await log.ensureTopic({ name: topic, partitions: 4 });
      const records = Array.from({ length: 60 }, (_, i) => ({
        key: text(`user-${i % 7}`),
        value: text(`v${i}`),
      }));
      const first = await log.append(topic, records.slice(0, 30));
      const second = await log.append(topic, records.slice(30));
      const byPartition = new Map<number, number[]>();
      for (const { partition, offset } of [...first.positions, ...second.positions]) {
        byPartition.set(partition, [...(byPartition.get(partition) ?? []), offset]);
      }
      const info = await log.describeTopic(topic);
      for (const p of info!.partitions) {
        const offsets = byPartition.get(p.partition) ?? [];
        assert.deepEqual(
          offsets,
          offsets.map((_, i) => i),
        );
        assert.equal(p.nextOffset, offsets.length);
      }
    });

    withLog('a keyed record lands on partitionForKey(key); an explicit partition wins', async ({ log }) => {
      const topic = topicName('keys');
      await log.ensureTopic({ name: topic, partitions: 5 });
      const keys = ['21', 'foobar', 'u-1', 'u-2', 'user-with-a-longer-id', 'é'];
      const result = await log.append(
        topic,
        keys.map((k) => ({ key: text(k), value: text(k) })),
      );
      assert.deepEqual(
        result.positions.map((p) => p.partition),
        keys.map((k) => partitionForKey(text(k), 5)),
      );
      const forced = await log.append(topic, [{ key: text('21'), value: text('x'), partition: 3 }]);
      assert.equal(forced.positions[0]!.partition, 3);
      const [stored] = await log.read(topic, 3, forced.positions[0]!.offset, { maxRecords: 1 });
      assert.equal(stored?.value.toString(), 'x');
    });

    withLog('unknown topic or partition are coded errors, and write nothing', async ({ log }) => {
      const topic = topicName('errors');
      await log.ensureTopic({ name: topic, partitions: 2 });
      await rejectsWith(
        log.append(topicName('nope'), [{ key: null, value: text('x') }]),
        'SHOP_LOG_TOPIC_NOT_FOUND',
      );
      const bad: ProducerRecord[] = [
        { key: null, value: text('ok') },
        { key: null, value: text('x'), partition: 2 },
      ];
      await rejectsWith(log.append(topic, bad), 'SHOP_LOG_PARTITION_NOT_FOUND');
      await rejectsWith(log.read(topic, 7, 0, { maxRecords: 1 }), 'SHOP_LOG_PARTITION_NOT_FOUND');
      await rejectsWith(log.read(topicName('nope'), 0, 0, { maxRecords: 1 }), 'SHOP_LOG_TOPIC_NOT_FOUND');
      const info = await log.describeTopic(topic);
      assert.deepEqual(
        info?.partitions.map((p) => p.nextOffset),
        [0, 0],
      );
    });

    withLog(
      'read from any offset honours maxRecords and maxBytes; end = []; beyond = out of range',
      async ({ log }) => {
        const topic = topicName('read');
        await log.ensureTopic({ name: topic, partitions: 1 });
        await log.append(
          topic,
          Array.from({ length: 100 }, (_, i) => ({ key: null, value: Buffer.alloc(100, i) })),
        );
        const middle = await log.read(topic, 0, 37, { maxRecords: 10 });
        assert.deepEqual(
          middle.map((r) => r.offset),
          Array.from({ length: 10 }, (_, i) => 37 + i),
        );
        assert.ok(
          middle.every(
            (r) => r.value.equals(Buffer.alloc(100, r.offset)) && r.topic === topic && r.partition === 0,
          ),
        );
        const capped = await log.read(topic, 0, 0, { maxRecords: 100, maxBytes: 350 });
        assert.ok(capped.length >= 1 && capped.length <= 4, `maxBytes 350 gave ${capped.length} records`);
        assert.equal((await log.read(topic, 0, 0, { maxRecords: 100, maxBytes: 1 })).length, 1);
        assert.deepEqual(await log.read(topic, 0, 100, { maxRecords: 10 }), []);
        assert.equal((await readAll(log, topic, 0, 99)).length, 1);
        await rejectsWith(log.read(topic, 0, 101, { maxRecords: 1 }), 'SHOP_LOG_OFFSET_OUT_OF_RANGE');
        await rejectsWith(log.read(topic, 0, -1, { maxRecords: 1 }), 'SHOP_LOG_OFFSET_OUT_OF_RANGE');
      },
    );

    withLog(
      'a long-poll read returns as soon as data arrives; without data it returns []',
      async ({ log }) => {
        const topic = topicName('poll');
        await log.ensureTopic({ name: topic, partitions: 1 });
        assert.deepEqual(await log.read(topic, 0, 0, { maxRecords: 10, maxWaitMs: 20 }), []);
        const waiting = log.read(topic, 0, 0, { maxRecords: 10, maxWaitMs: 30_000 });
        await new Promise((r) => setTimeout(r, 50));
        await log.append(topic, [{ key: null, value: text('wake up') }]);
        const got = await waiting;
        assert.deepEqual(
          got.map((r) => r.value.toString()),
          ['wake up'],
        );
      },
    );

    withLog('key-less records keep a null key and spread round-robin', async ({ log }) => {
      const topic = topicName('nokey');
      await log.ensureTopic({ name: topic, partitions: 4 });
      const result = await log.append(
        topic,
        Array.from({ length: 8 }, (_, i) => ({ key: null, value: text(`n${i}`) })),
      );
      assert.deepEqual(new Set(result.positions.map((p) => p.partition)), new Set([0, 1, 2, 3]));
      const { partition, offset } = result.positions[0]!;
      const [record] = await log.read(topic, partition, offset, { maxRecords: 1 });
      assert.equal(record?.key, null);
    });

    withLog(
      'binary keys and values round-trip byte-exact (empty and non-UTF-8 included)',
      async ({ log }) => {
        const topic = topicName('binary');
        await log.ensureTopic({ name: topic, partitions: 1 });
        const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
        const values = [all, Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x00]), Buffer.alloc(0), randomBytes(4096)];
        await log.append(
          topic,
          values.map((value, i) => ({ key: i === 0 ? Buffer.from([0, 0xff]) : null, value })),
        );
        const got = await readAll(log, topic, 0);
        assert.equal(got.length, values.length);
        got.forEach((r, i) => assert.ok(r.value.equals(values[i]!), `value ${i} differs`));
        assert.ok(got[0]!.key?.equals(Buffer.from([0, 0xff])));
      },
    );

    withLog(
      'records up to the size limit are accepted; over it -> SHOP_LOG_RECORD_TOO_LARGE',
      async ({ log, maxRecordBytes }) => {
        const topic = topicName('large');
        await log.ensureTopic({ name: topic, partitions: 1 });
        const big = randomBytes(Math.floor(maxRecordBytes * 0.9));
        await log.append(topic, [{ key: text('k'), value: big }]);
        const [stored] = await log.read(topic, 0, 0, { maxRecords: 1 });
        assert.ok(stored?.value.equals(big));
        const tooBig = Buffer.alloc(maxRecordBytes + 1);
        await rejectsWith(
          log.append(topic, [
            { key: null, value: text('small') },
            { key: null, value: tooBig },
          ]),
          'SHOP_LOG_RECORD_TOO_LARGE',
        );
        assert.equal((await log.describeTopic(topic))?.partitions[0]?.nextOffset, 1);
      },
    );

    withLog('headers and timestamps round-trip', async ({ log }) => {
      const topic = topicName('headers');
      await log.ensureTopic({ name: topic, partitions: 1 });
      const headers = { source: 'collector', 'trace-id': 'abc-123', unicode: 'größe ✓' };
      const timestampMs = Date.UTC(2026, 0, 24, 13, 5, 12, 123);
      await log.append(topic, [
        { key: null, value: text('a'), headers, timestampMs },
        { key: null, value: text('b') },
      ]);
      const [withHeaders, without] = await readAll(log, topic, 0);
      assert.deepEqual(withHeaders?.headers, headers);
      assert.equal(withHeaders?.timestampMs, timestampMs);
      assert.deepEqual(without?.headers ?? {}, {});
      assert.ok(Math.abs(without!.timestampMs - Date.now()) < 60_000);
    });

    withLog('group offsets are kept per group and topic; a commit merges partitions', async ({ log }) => {
      const topic = topicName('groups');
      await log.ensureTopic({ name: topic, partitions: 3 });
      await log.commitGroupOffsets(
        'g1',
        topic,
        new Map([
          [0, 5],
          [1, 7],
        ]),
      );
      await log.commitGroupOffsets('g2', topic, new Map([[0, 1]]));
      await log.commitGroupOffsets(
        'g1',
        topic,
        new Map([
          [1, 9],
          [2, 3],
        ]),
      );
      assert.deepEqual([...(await log.groupOffsets('g1', topic))].sort(), [
        [0, 5],
        [1, 9],
        [2, 3],
      ]);
      assert.deepEqual([...(await log.groupOffsets('g2', topic))], [[0, 1]]);
      assert.equal((await log.groupOffsets('never-committed', topic)).size, 0);
    });

    withLog('concurrent appends keep each call in order with consecutive offsets', async ({ log }) => {
      const topic = topicName('concurrent');
      await log.ensureTopic({ name: topic, partitions: 2 });
      const calls = Array.from({ length: 20 }, (_, c) =>
        log.append(
          topic,
          Array.from({ length: 25 }, (_, i) => ({ key: null, partition: c % 2, value: text(`${c}:${i}`) })),
        ),
      );
      const results = await Promise.all(calls);
      const records = [...(await readAll(log, topic, 0)), ...(await readAll(log, topic, 1))];
      const byPosition = new Map(records.map((r) => [`${r.partition}/${r.offset}`, r.value.toString()]));
      results.forEach((result, c) => {
        const offsets = result.positions.map((p) => p.offset);
        assert.deepEqual(
          offsets,
          offsets.map((_, i) => offsets[0]! + i),
          `call ${c} not consecutive`,
        );
        result.positions.forEach((p, i) =>
          assert.equal(byPosition.get(`${p.partition}/${p.offset}`), `${c}:${i}`),
        );
      });
      assert.equal(records.length, 500);
    });

    withLog(
      'a reopened log keeps topics, records and group offsets, and continues the offsets',
      async (h) => {
        const topic = topicName('reopen');
        await h.log.ensureTopic({ name: topic, partitions: 2, retentionMs: 365 * 24 * 3600 * 1000 });
        const records = Array.from({ length: 40 }, (_, i) => ({
          key: text(`u${i % 5}`),
          value: text(`r${i}`),
          headers: { i: String(i) },
        }));
        await h.log.append(topic, records);
        await h.log.commitGroupOffsets('g', topic, new Map([[0, 2]]));
        const before = [...(await readAll(h.log, topic, 0)), ...(await readAll(h.log, topic, 1))];
        const reopened = await h.reopen();
        assert.ok((await reopened.listTopics()).includes(topic));
        const after = [...(await readAll(reopened, topic, 0)), ...(await readAll(reopened, topic, 1))];
        assert.deepEqual(
          after.map((r) => [r.partition, r.offset, r.key?.toString(), r.value.toString(), r.headers]),
          before.map((r) => [r.partition, r.offset, r.key?.toString(), r.value.toString(), r.headers]),
        );
        assert.deepEqual([...(await reopened.groupOffsets('g', topic))], [[0, 2]]);
        const next = await reopened.append(topic, [{ key: null, value: text('more'), partition: 0 }]);
        assert.equal(next.positions[0]!.offset, after.filter((r) => r.partition === 0).length);
      },
    );

    withLog('a closed log rejects every call with SHOP_LOG_CLOSED', async (h) => {
      const topic = topicName('closed');
      await h.log.ensureTopic({ name: topic, partitions: 1 });
      await h.log.close();
      await rejectsWith(h.log.append(topic, [{ key: null, value: text('x') }]), 'SHOP_LOG_CLOSED');
      await rejectsWith(h.log.read(topic, 0, 0, { maxRecords: 1 }), 'SHOP_LOG_CLOSED');
    });
  });
}
