import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LakeBuffer } from './lake-buffer.js';
import type { PartitionBatch } from './transform-batch.js';

const batch = (partition: number, fromOffset: number, toOffset: number): PartitionBatch => ({
  partition,
  fromOffset,
  toOffset,
  recordBytes: 100 * (toOffset - fromOffset + 1),
  bronze: [],
  silver: [],
  quarantine: [],
  accounting: {
    recordsRead: 0,
    bronzeRows: 0,
    silverRows: 0,
    quarantineRows: 0,
    duplicatesDropped: 0,
    lateQuarantined: 0,
    reasons: new Map(),
  },
});

describe('lake buffer', () => {
  it('keeps one contiguous run per partition and hands whole partitions over', () => {
    const buffer = new LakeBuffer();
    buffer.add(batch(0, 10, 19), 3, 1000, 111, 5_000);
    buffer.add(batch(0, 20, 24), 3, 500, 222, 6_000);
    buffer.add(batch(1, 0, 9), 3, 1000, null, 7_000);
    assert.equal(buffer.bytes, 2500);
    assert.equal(buffer.records, 25);
    assert.equal(buffer.oldestAddedAtMs(), 5_000);
    const [p0] = buffer.take([0]);
    assert.equal(p0!.fromOffset, 10);
    assert.equal(p0!.toOffset, 24);
    assert.equal(p0!.streamTimeMs, 222);
    assert.equal(buffer.bytes, 1000);
    assert.equal(buffer.oldestAddedAtMs(), 7_000);
    assert.deepEqual(
      buffer.take().map((p) => p.partition),
      [1],
    );
    assert.equal(buffer.oldestAddedAtMs(), undefined);
  });

  it('refuses a batch that does not continue the buffered run (a bug, never data)', () => {
    const buffer = new LakeBuffer();
    buffer.add(batch(0, 0, 9), 1, 10, null, 0);
    assert.throws(() => buffer.add(batch(0, 11, 12), 1, 10, null, 0), RangeError);
  });
});
