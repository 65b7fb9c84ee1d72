import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AliasSampler } from './alias-sampler.js';
import { IsoTimeFormatter } from './iso-time-formatter.js';
import { Prng } from './prng.js';
import { ReleaseQueue } from './release-queue.js';
import { uuidV4 } from './uuid-v4.js';

test('Prng is deterministic per (seed, stream) and roughly uniform', () => {
  const a = new Prng(42);
  const b = new Prng(42);
  const other = new Prng(42, 1);
  const xs = Array.from({ length: 1000 }, () => a.nextUint32());
  assert.deepEqual(
    xs,
    Array.from({ length: 1000 }, () => b.nextUint32()),
  );
  assert.notDeepEqual(
    xs,
    Array.from({ length: 1000 }, () => other.nextUint32()),
  );
  const buckets = new Array<number>(10).fill(0);
  for (let i = 0; i < 100_000; i++) buckets[a.int(10)]!++;
  assert.ok(
    buckets.every((n) => Math.abs(n - 10_000) < 500),
    buckets.join(','),
  );
});

test('uuidV4 yields distinct version-4, variant-1 UUIDs', () => {
  const rng = new Prng(1);
  const ids = new Set<string>();
  for (let i = 0; i < 10_000; i++) {
    const id = uuidV4(rng);
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    ids.add(id);
  }
  assert.equal(ids.size, 10_000);
});

test('IsoTimeFormatter equals Date#toISOString across second, day and year boundaries', () => {
  const f = new IsoTimeFormatter();
  for (const ms of [
    0,
    999,
    1000,
    Date.UTC(2025, 11, 31, 23, 59, 59, 999),
    Date.UTC(2026, 0, 1),
    Date.UTC(2026, 1, 28, 13, 5, 12, 123),
    1769259912001,
  ]) {
    assert.equal(f.format(ms), new Date(ms).toISOString());
  }
});

test('AliasSampler draws indexes in proportion to their weights', () => {
  const sampler = new AliasSampler([1, 0, 3, 6]);
  const rng = new Prng(5);
  const counts = [0, 0, 0, 0];
  for (let i = 0; i < 100_000; i++) counts[sampler.sample(rng)]!++;
  assert.equal(counts[1], 0);
  assert.ok(
    Math.abs(counts[0]! - 10_000) < 600 &&
      Math.abs(counts[2]! - 30_000) < 900 &&
      Math.abs(counts[3]! - 60_000) < 1200,
    counts.join(','),
  );
});

test('ReleaseQueue releases by due sequence, ties in insertion order', () => {
  const q = new ReleaseQueue<string>();
  q.hold('c', 5);
  q.hold('a', 2);
  q.hold('b', 2);
  q.hold('d', 9);
  assert.equal(q.releaseDue(1), undefined);
  assert.equal(q.releaseDue(2), 'a');
  assert.equal(q.releaseDue(2), 'b');
  assert.equal(q.releaseDue(4), undefined);
  assert.equal(q.releaseDue(7), 'c');
  assert.equal(q.size, 1);
  assert.equal(q.pop(), 'd');
  assert.equal(q.pop(), undefined);
});
