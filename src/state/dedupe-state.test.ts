import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/** A reproducible stream: mostly new ids, some re-sent (recent or old), event times out of order. */
function* eventStream(n: number): Generator<{ id: string; t: number }> {
  let x = 99;
  const rand = (): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
  const hex = (v: number, w: number): string => Math.floor(v).toString(16).padStart(w, '0');
  const sent: { id: string; t: number }[] = [];
  for (let i = 0; i < n; i++) {
    const clock = i * 1_000; // 1 event per second of stream time: 3 hours over 10,800 events
    const r = rand();
    if (r < 0.1 && sent.length > 0) {
      // A re-send of an event up to ~80 minutes back (inside and beyond the 1-hour watermark).
      const back = Math.min(sent.length - 1, Math.floor(rand() * 4_800));
      yield sent[sent.length - 1 - back]!;
      continue;
    }
    const id = `${hex(rand() * 2 ** 32, 8)}-${hex(rand() * 2 ** 16, 4)}-4${hex(rand() * 2 ** 12, 3)}-a${hex(rand() * 2 ** 12, 3)}-${hex(rand() * 2 ** 24, 6)}${hex(rand() * 2 ** 24, 6)}`;
    // Mostly on time, some late by up to 50 minutes.
    const t = r < 0.2 ? clock - Math.floor(rand() * 3_000_000) : clock;
    const e = { id: r < 0.21 ? `order-${i}` : id, t };
    sent.push(e);
    yield e;
  }
}

test('with spill, the answers are exactly those of the in-memory state, with far fewer ids in memory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dedupe-spill-'));
  try {
    const memory = new DedupeState(HOUR);
    const spilled = new DedupeState(HOUR, { dir, hotMs: 2 * 60_000 });
    let streamTime = Number.NEGATIVE_INFINITY;
    let duplicates = 0;
    let maxMemoryIds = 0;
    let i = 0;
    for (const e of eventStream(10_800)) {
      if (e.t < streamTime - HOUR) continue; // the processor quarantines these before dedupe
      const first = memory.firstSeen(e.id, e.t);
      assert.equal(spilled.firstSeen(e.id, e.t), first, `event ${i} (${e.id} at ${e.t})`);
      if (!first) duplicates += 1;
      streamTime = Math.max(streamTime, e.t);
      memory.evict(streamTime);
      spilled.evict(streamTime);
      assert.equal(spilled.size >= memory.size, true, 'sealed ids are dropped a segment at a time');
      maxMemoryIds = Math.max(maxMemoryIds, spilled.stats.memoryIds);
      i += 1;
    }
    const stats = spilled.stats;
    assert.ok(duplicates > 500, `the stream re-sends: ${duplicates}`);
    assert.ok(stats.sealedIds > 2_000 && stats.segments > 30, JSON.stringify(stats));
    assert.ok(stats.diskLookups > 100, 'old re-sends were checked on disk');
    // Hot part: 2-3 minutes of 1 event/s plus late ids waiting for the next seal, and non-UUIDs.
    assert.ok(
      maxMemoryIds < 1_200,
      `at most ${maxMemoryIds} ids in memory (in-memory state: ${memory.size})`,
    );
    assert.deepEqual(readdirSync(dir), [], 'segment files are unlinked');
    spilled.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('seed with spill seals as it loads, and a duplicate of a sealed id is still dropped', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dedupe-spill-'));
  try {
    const state = new DedupeState(HOUR, { dir, hotMs: 5 * 60_000 });
    const uuid = (i: number): string => `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
    const rows = Array.from({ length: 200_000 }, (_, i) => ({ eventId: uuid(i), eventTimeMs: i * 15 }));
    state.seed(rows); // 50 minutes of event time
    const stats = state.stats;
    assert.equal(state.size, 200_000);
    assert.ok(stats.memoryIds < 100_000, JSON.stringify(stats));
    assert.equal(state.firstSeen(uuid(0), 3_000_000), false, 'the oldest seeded id');
    assert.equal(state.firstSeen(uuid(199_999), 3_000_000), false, 'the newest');
    assert.equal(state.firstSeen(uuid(200_000), 3_000_000), true);
    state.evict(HOUR + 30 * 60_000); // keeps minutes >= 30
    assert.equal(state.firstSeen(uuid(0), HOUR + 30 * 60_000), true, 'out of the horizon: new again');
    assert.equal(state.firstSeen(uuid(150_000), HOUR + 30 * 60_000), false, 'minute 37: still seen');
    state.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
