import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { open, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { isShopError } from '../../errors/index.js';
import { openTestLog, readPartition, segmentPaths, values, withTempDir } from './embedded-log-test-kit.js';

const T = 'recovery';

async function flipByte(path: string, position: number): Promise<void> {
  const handle = await open(path, 'r+');
  const byte = Buffer.alloc(1);
  await handle.read(byte, 0, 1, position);
  byte[0] = byte[0]! ^ 0x5a;
  await handle.write(byte, 0, 1, position);
  await handle.close();
}

/** Three appends of 10 records to partition 0 (three batches); returns the file size after each. */
async function threeBatches(dir: string): Promise<number[]> {
  const log = await openTestLog(dir);
  await log.ensureTopic({ name: T, partitions: 1 });
  const sizes: number[] = [];
  for (const prefix of ['a', 'b', 'c']) {
    await log.append(T, values(10, prefix, 40));
    sizes.push((await stat((await segmentPaths(dir, T, 0))[0]!)).size);
  }
  await log.close();
  return sizes;
}

test('a torn tail (cut inside the last batch) is truncated to the last valid batch and reported', async () => {
  await withTempDir(async (dir) => {
    const sizes = await threeBatches(dir);
    const [segment] = await segmentPaths(dir, T, 0);
    await truncate(segment!, sizes[2]! - 17);
    const log = await openTestLog(dir);
    assert.deepEqual(
      log.truncations.map((t) => [t.validBytes, t.truncatedBytes]),
      [[sizes[1], sizes[2]! - 17 - sizes[1]!]],
    );
    const records = await readPartition(log, T, 0);
    assert.deepEqual(
      records.map((r) => r.offset),
      Array.from({ length: 20 }, (_, i) => i),
    );
    const next = await log.append(T, values(1, 'd'));
    assert.equal(next.positions[0]!.offset, 20);
    await log.close();
    const again = await openTestLog(dir);
    assert.equal(again.truncations.length, 0);
    const firstChars = (await readPartition(again, T, 0)).map((r) => r.value.toString()[0]);
    assert.deepEqual(firstChars, [...'a'.repeat(10), ...'b'.repeat(10), 'd']);
    await again.close();
  });
});

test('garbage after the last batch (a torn header) is cut off; every record before it is kept', async () => {
  await withTempDir(async (dir) => {
    const sizes = await threeBatches(dir);
    const [segment] = await segmentPaths(dir, T, 0);
    await writeFile(segment!, Buffer.from('garbage that is not a batch header at all, definitely'), {
      flag: 'a',
    });
    const log = await openTestLog(dir);
    assert.equal(log.truncations.length, 1);
    assert.equal((await readPartition(log, T, 0)).length, 30);
    await log.close();
    assert.equal((await stat(segment!)).size, sizes[2]);
  });
});

test('a CRC flip in the last batch is a torn tail: truncated, never served', async () => {
  await withTempDir(async (dir) => {
    const sizes = await threeBatches(dir);
    const [segment] = await segmentPaths(dir, T, 0);
    await flipByte(segment!, sizes[2]! - 5);
    const log = await openTestLog(dir);
    const records = await readPartition(log, T, 0);
    assert.equal(records.length, 20);
    assert.ok(records.every((r) => /^[ab]\d+\.*$/.test(r.value.toString())));
    await log.close();
  });
});

test('a CRC flip before intact batches is corruption: open fails with SHOP_LOG_CORRUPT, nothing is cut', async () => {
  await withTempDir(async (dir) => {
    const sizes = await threeBatches(dir);
    const [segment] = await segmentPaths(dir, T, 0);
    await flipByte(segment!, sizes[0]! + 60);
    const before = await readFile(segment!);
    await assert.rejects(openTestLog(dir), (err: unknown) => isShopError(err, 'SHOP_LOG_CORRUPT'));
    assert.ok((await readFile(segment!)).equals(before));
  });
});

test('a CRC flip inside an older (non-tail) segment is found by read: SHOP_LOG_CORRUPT, never served', async () => {
  await withTempDir(async (dir) => {
    const log = await openTestLog(dir, { segmentBytes: 2048 });
    await log.ensureTopic({ name: T, partitions: 1 });
    for (let i = 0; i < 10; i++) await log.append(T, values(10, `s${i}-`, 40));
    await log.close();
    const segments = await segmentPaths(dir, T, 0);
    assert.ok(segments.length >= 3);
    await flipByte(segments[0]!, 100);
    const reopened = await openTestLog(dir, { segmentBytes: 2048 });
    await assert.rejects(reopened.read(T, 0, 0, { maxRecords: 100 }), (err: unknown) =>
      isShopError(err, 'SHOP_LOG_CORRUPT'),
    );
    const later = await reopened.read(T, 0, 50, { maxRecords: 10 });
    assert.equal(later[0]?.offset, 50);
    await reopened.close();
  });
});

test('a second writer is refused with SHOP_LOG_LOCKED; a stale lock of a dead pid is taken over', async () => {
  await withTempDir(async (dir) => {
    const first = await openTestLog(dir);
    await assert.rejects(openTestLog(dir), (err: unknown) => isShopError(err, 'SHOP_LOG_LOCKED'));
    assert.equal((await readFile(join(dir, 'LOCK'), 'utf8')).trim(), String(process.pid));
    await first.close();
    const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']);
    await writeFile(join(dir, 'LOCK'), `${dead.pid}\n`);
    const second = await openTestLog(dir);
    assert.equal((await readFile(join(dir, 'LOCK'), 'utf8')).trim(), String(process.pid));
    await second.close();
  });
});
