import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DedupeState } from './dedupe-state.js';

const HOUR = 3_600_000;

test('the first occurrence wins, later ones are duplicates', () => {
  const state = new DedupeState(HOUR);
  assert.equal(state.firstSeen('a', 1_000), true);
  assert.equal(state.firstSeen('a', 2_000), false);
  assert.equal(state.firstSeen('b', 2_000), true);
  assert.equal(state.size, 2);
});

test('ids are evicted in whole minute buckets once older than the watermark', () => {
  const state = new DedupeState(HOUR);
  state.firstSeen('old', 0); // bucket [0, 60s)
  state.firstSeen('newer', 60_000); // bucket [60s, 120s)
  state.evict(HOUR + 59_999); // horizon 59.999 s: bucket 0 not yet fully behind
  assert.equal(state.size, 2);
  state.evict(HOUR + 60_000); // horizon 60 s: bucket 0 ends at 60 s -> evicted
  assert.equal(state.size, 1);
  assert.equal(state.firstSeen('old', HOUR + 60_000), true);
  assert.equal(state.firstSeen('newer', HOUR + 60_000), false);
});

test('seed rebuilds state so a duplicate after a restart is still dropped', () => {
  const state = new DedupeState(HOUR);
  state.seed([
    { eventId: 'x', eventTimeMs: 10 },
    { eventId: 'y', eventTimeMs: 20 },
  ]);
  assert.equal(state.firstSeen('x', 30), false);
  assert.equal(state.firstSeen('z', 30), true);
});
