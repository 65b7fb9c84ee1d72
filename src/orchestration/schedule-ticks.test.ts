import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testAsset } from './testing/test-assets.js';
import { partitionsForTicks, ticksSince } from './schedule-ticks.js';
import { retryDelayMs } from './retry-policy.js';

const at = (iso: string) => Date.parse(iso);

test('a daily cron missed for three days is caught up once, all or not at all', () => {
  const asset = testAsset('nightly', [], { schedule: { kind: 'cron', cron: '30 2 * * *' } });
  const ticks = ticksSince(asset, at('2026-03-01T03:00:00Z'), at('2026-03-04T12:00:00Z'));
  assert.deepEqual(
    ticks.map((t) => new Date(t).toISOString()),
    ['2026-03-02T02:30:00.000Z', '2026-03-03T02:30:00.000Z', '2026-03-04T02:30:00.000Z'],
  );
  assert.deepEqual(partitionsForTicks(asset, ticks, 'all'), ['2026-03-01', '2026-03-02', '2026-03-03']);
  assert.deepEqual(partitionsForTicks(asset, ticks, 'once'), ['2026-03-03']);
  assert.deepEqual(partitionsForTicks(asset, ticks, 'skip'), []);
  // One tick is a normal run whatever the policy.
  assert.deepEqual(partitionsForTicks(asset, ticks.slice(0, 1), 'skip'), ['2026-03-01']);
});

test('interval ticks follow the previous tick', () => {
  const asset = testAsset('every', [], { schedule: { kind: 'interval', everyMs: 1_000 } });
  assert.deepEqual(ticksSince(asset, 10_000, 12_500), [11_000, 12_000]);
  assert.deepEqual(ticksSince(asset, 10_000, 10_999), []);
});

test('retry delays grow exponentially within the jitter and stop at the maximum', () => {
  const policy = { maxAttempts: 9, backoffBaseMs: 100, backoffMaxMs: 1_000, jitter: 0.2 };
  assert.deepEqual(
    [1, 2, 3, 4, 5].map((n) => retryDelayMs(policy, n, () => 0.5)),
    [100, 200, 400, 800, 1_000],
  );
  assert.equal(
    retryDelayMs(policy, 1, () => 0),
    80,
  );
  assert.equal(
    retryDelayMs(policy, 1, () => 0.999999),
    120,
  );
});
