import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isShopError } from '../../errors/index.js';
import { openTestLog, readPartition, segmentPaths, values, withTempDir } from './embedded-log-test-kit.js';

const T = 'storage';

test('segments roll past segmentBytes, named by their 20-digit base offset, and reads cross them', async () => {
  await withTempDir(async (dir) => {
    const log = await openTestLog(dir, { segmentBytes: 4096 });
    await log.ensureTopic({ name: T, partitions: 1 });
    for (let i = 0; i < 20; i++) await log.append(T, values(10, `r${i}-`, 50));
    const segments = await segmentPaths(dir, T, 0);
    assert.ok(segments.length >= 4, `${segments.length} segments`);
    assert.match(segments[0]!, /\/00000000000000000000\.log$/);
    const bases = segments.map((p) => Number(/(\d{20})\.log$/.exec(p)![1]));
    assert.deepEqual(
      bases,
      [...bases].sort((a, b) => a - b),
    );
    const records = await readPartition(log, T, 0);
    assert.deepEqual(
      records.map((r) => r.offset),
      Array.from({ length: 200 }, (_, i) => i),
    );
    const fromMiddle = await log.read(T, 0, bases[2]! + 3, { maxRecords: 25 });
    assert.deepEqual(
      fromMiddle.map((r) => r.offset),
      Array.from({ length: 25 }, (_, i) => bases[2]! + 3 + i),
    );
    await log.close();
  });
});

test('retention by size deletes whole old segments, never the active one; firstOffset moves', async () => {
  await withTempDir(async (dir) => {
    const log = await openTestLog(dir, { segmentBytes: 4096 });
    await log.ensureTopic({ name: T, partitions: 1, retentionBytes: 8192 });
    for (let i = 0; i < 30; i++) await log.append(T, values(10, `r${i}-`, 50));
    const info = (await log.describeTopic(T))!.partitions[0]!;
    assert.ok(info.firstOffset > 0, 'old segments were deleted');
    assert.equal(info.nextOffset, 300);
    assert.ok(info.bytes! < 8192 + 4096 * 2, `${info.bytes} bytes kept`);
    await assert.rejects(log.read(T, 0, 0, { maxRecords: 1 }), (err: unknown) =>
      isShopError(err, 'SHOP_LOG_OFFSET_OUT_OF_RANGE'),
    );
    const kept = await readPartition(log, T, 0);
    assert.equal(kept[0]!.offset, info.firstOffset);
    assert.equal(kept.length, 300 - info.firstOffset);
    await log.close();
  });
});

// Batches of ~1.6 KB in 2 KiB segments: one batch per segment, so old and new never share one.
test('retention by age deletes segments whose newest record is older than retentionMs (on open)', async () => {
  await withTempDir(async (dir) => {
    const log = await openTestLog(dir, { segmentBytes: 2048 });
    await log.ensureTopic({ name: T, partitions: 1, retentionMs: 3600_000 });
    const oldMs = Date.now() - 2 * 3600_000;
    for (let i = 0; i < 5; i++)
      await log.append(
        T,
        values(10, `old${i}-`, 140).map((r) => ({ ...r, timestampMs: oldMs })),
      );
    for (let i = 0; i < 3; i++) await log.append(T, values(10, `new${i}-`, 140));
    await log.close();
    const reopened = await openTestLog(dir, { segmentBytes: 2048 });
    const kept = await readPartition(reopened, T, 0);
    assert.ok(
      kept.every((r) => r.value.toString().startsWith('new')),
      'only new records remain',
    );
    assert.equal(kept.length, 30);
    await reopened.close();
  });
});

test('a read-only instance sees a live writer progress without a lock, and never modifies files', async () => {
  await withTempDir(async (dir) => {
    const writer = await openTestLog(dir, { segmentBytes: 4096 });
    await writer.ensureTopic({ name: T, partitions: 2 });
    await writer.append(T, values(10, 'a', 50));
    const reader = await openTestLog(dir, { mode: 'read', segmentBytes: 4096 });
    assert.deepEqual(await reader.listTopics(), [T]);
    assert.equal((await readPartition(reader, T, 0)).length, 10);
    await assert.rejects(reader.append(T, values(1, 'x')), (err: unknown) =>
      isShopError(err, 'SHOP_LOG_READ_ONLY'),
    );
    const waiting = reader.read(T, 0, 10, { maxRecords: 100, maxWaitMs: 30_000 });
    for (let i = 0; i < 10; i++) await writer.append(T, values(10, `b${i}-`, 50));
    assert.ok((await waiting).length >= 1);
    const all = await readPartition(reader, T, 0);
    assert.deepEqual(
      all.map((r) => r.offset),
      Array.from({ length: 110 }, (_, i) => i),
    );
    assert.equal((await reader.describeTopic(T))!.partitions[0]!.nextOffset, 110);
    await reader.close();
    await writer.close();
  });
});

test('a read-only instance on a missing folder sees an empty log', async () => {
  await withTempDir(async (dir) => {
    const reader = await openTestLog(`${dir}/absent`, { mode: 'read' });
    assert.deepEqual(await reader.listTopics(), []);
    assert.equal(await reader.describeTopic(T), undefined);
    await reader.close();
  });
});

test('fsync=interval and fsync=never keep the same data across reopen', async () => {
  for (const fsync of ['interval', 'never'] as const) {
    await withTempDir(async (dir) => {
      const log = await openTestLog(dir, { fsync });
      await log.ensureTopic({ name: T, partitions: 1 });
      await Promise.all([log.append(T, values(100, 'p')), log.append(T, values(100, 'q'))]);
      await log.close();
      const reopened = await openTestLog(dir, { fsync });
      assert.equal((await readPartition(reopened, T, 0)).length, 200);
      await reopened.close();
    });
  }
});

test('a bad topic name is SHOP_LOG_INVALID_TOPIC', async () => {
  await withTempDir(async (dir) => {
    const log = await openTestLog(dir);
    for (const name of ['', '..', 'a/b', 'x'.repeat(250), 'spaces here']) {
      await assert.rejects(log.ensureTopic({ name, partitions: 1 }), (err: unknown) =>
        isShopError(err, 'SHOP_LOG_INVALID_TOPIC'),
      );
    }
    await assert.rejects(log.ensureTopic({ name: 'ok', partitions: 0 }), (err: unknown) =>
      isShopError(err, 'SHOP_LOG_INVALID_TOPIC'),
    );
    await log.close();
  });
});

test('a read racing in-process appends never sees a cut batch (regression: malformed batch header)', async () => {
  await withTempDir(async (dir) => {
    const log = await openTestLog(dir, { fsync: 'never' });
    await log.ensureTopic({ name: T, partitions: 1 });
    let appending = true;
    const writer = (async () => {
      for (let i = 0; i < 300; i++) await log.append(T, values(200, `w${i}-`, 200));
      appending = false;
    })();
    let offset = 0;
    while (appending || offset < 60_000) {
      const got = await log.read(T, 0, offset, { maxRecords: 100_000 });
      for (const [i, r] of got.entries()) assert.equal(r.offset, offset + i);
      offset += got.length;
      if (got.length === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await writer;
    assert.equal(offset, 60_000);
    await log.close();
  });
});
