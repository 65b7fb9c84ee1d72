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

test('canonical UUIDs and other ids are told apart exactly (case matters, no hashing shortcuts)', () => {
  const state = new DedupeState(HOUR);
  const lower = '0f8fad5b-d9cb-469f-a165-70867728950e';
  assert.equal(state.firstSeen(lower, 1_000), true);
  assert.equal(state.firstSeen(lower.toUpperCase(), 1_000), true, 'an uppercase UUID is another id');
  assert.equal(state.firstSeen(lower.replace(/-/g, ''), 1_000), true, 'no dashes: another id');
  assert.equal(state.firstSeen(lower.slice(0, 35) + 'f', 1_000), true, 'one nibble differs');
  assert.equal(state.firstSeen(lower, 2_000), false);
  assert.equal(state.firstSeen(lower.toUpperCase(), 2_000), false);
  assert.equal(state.firstSeen('order-42', 2_000), true);
  assert.equal(state.firstSeen('order-42', 3_000), false);
  assert.equal(state.size, 5);
});

test('eviction removes UUIDs and other ids of due minutes alike, and ids seen later stay', () => {
  const state = new DedupeState(HOUR);
  const uuid = (i: number): string => `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
  for (let i = 0; i < 5_000; i++) state.firstSeen(uuid(i), (i % 10) * 60_000);
  state.firstSeen('other-old', 0);
  state.firstSeen('other-new', 9 * 60_000);
  state.evict(HOUR + 5 * 60_000); // minutes 0-4 due
  assert.equal(state.size, 2_500 + 1);
  for (let i = 0; i < 5_000; i++)
    assert.equal(state.firstSeen(uuid(i), HOUR + 5 * 60_000), i % 10 < 5, `id ${i}`);
  assert.equal(state.firstSeen('other-old', HOUR + 5 * 60_000), true);
  assert.equal(state.firstSeen('other-new', HOUR + 5 * 60_000), false);
});
