import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { comparePeriods } from './period-comparison.js';

describe('comparePeriods', () => {
  it('gives the change when both periods are covered alike', () => {
    assert.deepEqual(comparePeriods(150, 100, { current: 60, previous: 60 }), { kind: 'change', ratio: 0.5 });
    assert.deepEqual(comparePeriods(50, 100, { current: 59, previous: 60 }), { kind: 'change', ratio: -0.5 });
  });

  it('has no comparable period when the previous one is covered less (issue 19: +4001.6 %)', () => {
    const covered = { current: 60, previous: 2 };
    assert.deepEqual(comparePeriods(745_839, 18_182, covered), {
      kind: 'not-comparable',
      coveredMinutes: covered,
    });
    assert.equal(comparePeriods(0, 0, { current: 0, previous: 0 }).kind, 'not-comparable');
  });

  it('says the previous value was 0 rather than an infinite ratio', () => {
    assert.deepEqual(comparePeriods(5, 0, { current: 60, previous: 60 }), { kind: 'previous-zero' });
  });
});
