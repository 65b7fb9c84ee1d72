import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assignedPartitions } from './partition-assignment.js';

describe('assignedPartitions', () => {
  it('splits the partitions round-robin over the live members sorted by id', () => {
    const members = ['b', 'a', 'c'];
    assert.deepEqual(assignedPartitions([0, 1, 2, 3, 4], members, 'a'), [0, 3]);
    assert.deepEqual(assignedPartitions([0, 1, 2, 3, 4], members, 'b'), [1, 4]);
    assert.deepEqual(assignedPartitions([0, 1, 2, 3, 4], members, 'c'), [2]);
  });

  it('gives every partition to exactly one member, whatever the order members see', () => {
    const partitions = [3, 0, 2, 1, 5, 4, 7, 6];
    const seenBy = [
      ['m2', 'm1', 'm3'],
      ['m3', 'm2', 'm1'],
      ['m1', 'm3', 'm2'],
    ];
    const owned = seenBy.map((view, i) => assignedPartitions(partitions, view, `m${i + 1}`)).flat();
    assert.deepEqual(
      owned.sort((a, b) => a - b),
      [0, 1, 2, 3, 4, 5, 6, 7],
    );
  });

  it('a member missing from the live set (lease expired) owns nothing; a lone member owns all', () => {
    assert.deepEqual(assignedPartitions([0, 1], ['a'], 'z'), []);
    assert.deepEqual(assignedPartitions([1, 0], ['z'], 'z'), [0, 1]);
  });
});
