import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IdProbe, SealedIdSegment } from './sealed-id-segment.js';

/** Deterministic pseudo-random words (xorshift), so a failure reproduces. */
function words(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x | 0;
  };
}

function records(n: number, next: () => number, minuteOf: (i: number) => number): Int32Array {
  const out = new Int32Array(n * 5);
  for (let i = 0; i < n; i++) {
    for (let w = 0; w < 4; w++) out[i * 5 + w] = next();
    out[i * 5 + 4] = minuteOf(i);
  }
  return out;
}

test('every written id is found with its minute; the file is unlinked at once', () => {
  const dir = mkdtempSync(join(tmpdir(), 'segment-'));
  try {
    const recs = records(50_000, words(7), (i) => 1_000 + (i % 60));
    const segment = SealedIdSegment.write(dir, recs);
    assert.deepEqual(readdirSync(dir), [], 'no file outlives its descriptor');
    assert.equal(segment.count, 50_000);
    assert.equal(segment.maxMinute, 1_059);
    const probe = new IdProbe();
    for (let i = 0; i < 50_000; i++) {
      probe.load(recs, i * 5);
      assert.equal(segment.mightContain(probe), true, `filter of id ${i}`);
      assert.equal(segment.minuteOf(probe), 1_000 + (i % 60), `id ${i}`);
    }
    segment.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ids not written are not found, and the filter lets few of them reach the disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'segment-'));
  try {
    const segment = SealedIdSegment.write(
      dir,
      records(20_000, words(11), () => 5),
    );
    const others = records(200_000, words(12345), () => 0);
    const probe = new IdProbe();
    let maybe = 0;
    for (let i = 0; i < 200_000; i++) {
      probe.load(others, i * 5);
      if (segment.mightContain(probe)) maybe += 1;
      assert.equal(segment.minuteOf(probe), undefined, `id ${i}`);
    }
    assert.ok(maybe / 200_000 < 0.005, `false positives ${maybe} of 200,000`);
    assert.ok(segment.memoryBytes <= 20_000 * 2 + 64, `filter ${segment.memoryBytes} B`);
    segment.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('structured ids (shared prefixes, as time-ordered UUIDs have) are found exactly', () => {
  const dir = mkdtempSync(join(tmpdir(), 'segment-'));
  try {
    const n = 10_000;
    const recs = new Int32Array(n * 5);
    for (let i = 0; i < n; i++) recs.set([0x01890a5d, 0x7000 + (i >> 8), 0x80000000 | i, 0], i * 5);
    const segment = SealedIdSegment.write(dir, recs);
    const probe = new IdProbe();
    for (let i = 0; i < n; i++) {
      probe.load(recs, i * 5);
      assert.equal(segment.minuteOf(probe), 0);
      probe.id[3] = 1; // one bit off
      assert.equal(segment.minuteOf(probe.load()), undefined);
    }
    segment.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
