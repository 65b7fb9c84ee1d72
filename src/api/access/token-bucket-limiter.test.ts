import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TokenBucketLimiter } from './token-bucket-limiter.js';

describe('TokenBucketLimiter', () => {
  it('spends the capacity, then refills continuously per client', () => {
    const limiter = new TokenBucketLimiter(2, 60_000);
    assert.equal(limiter.take('a', 0).allowed, true);
    assert.equal(limiter.take('a', 0).allowed, true);
    const denied = limiter.take('a', 0);
    assert.equal(denied.allowed, false);
    assert.equal(denied.retryAfterMs, 30_000);
    assert.equal(limiter.take('b', 0).allowed, true, 'clients have separate buckets');
    assert.equal(limiter.take('a', 30_000).allowed, true);
  });

  it('keeps the number of tracked clients bounded', () => {
    const limiter = new TokenBucketLimiter(5, 60_000, 100);
    for (let i = 0; i < 1000; i += 1) limiter.take(`c${i}`, i);
    assert.ok(limiter.trackedClients <= 100);
  });
});
