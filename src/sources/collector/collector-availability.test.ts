import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { openTestCollector } from './testing/open-test-collector.js';

const track = () => ({
  event: 'Product Clicked',
  messageId: randomUUID(),
  anonymousId: 'a1',
  properties: { product_id: 'p1' },
});
const idsInLog = async (records: Promise<Array<{ value: Buffer }>>) =>
  new Set((await records).map((r) => (JSON.parse(r.value.toString()) as { event_id: string }).event_id));

test('log down: 503 with Retry-After at once, nothing acknowledged; the collector recovers by itself', async () => {
  let nowMs = 1_000_000;
  const c = await openTestCollector({}, () => nowMs);
  try {
    c.log.mode = 'down';
    const failed = track();
    const res = await c.app.inject({ method: 'POST', url: '/v1/track', payload: failed });
    assert.equal(res.statusCode, 503);
    assert.equal(res.json().code, 'SHOP_COLLECTOR_LOG_UNAVAILABLE');
    assert.equal(res.headers['retry-after'], '1');
    c.log.mode = 'up';
    const during = await c.app.inject({ method: 'POST', url: '/v1/track', payload: track() });
    assert.equal(during.statusCode, 503, 'refused while the retry window lasts');
    nowMs += 1000;
    const recovered = track();
    assert.equal(
      (await c.app.inject({ method: 'POST', url: '/v1/track', payload: recovered })).statusCode,
      200,
    );
    const ids = await idsInLog(c.records());
    assert.ok(ids.has(recovered.messageId));
    assert.ok(!ids.has(failed.messageId));
  } finally {
    await c.close();
  }
});

test('log hanging (a dead broker): 503 once ackTimeoutMs passes, then 503 at once until the log answers again', async () => {
  const c = await openTestCollector({ ackTimeoutMs: 300, retryAfterMs: 400 });
  try {
    c.log.mode = 'hang';
    // The append never settles until released: a 503 here can only come from the ack deadline.
    const res = await c.app.inject({ method: 'POST', url: '/v1/track', payload: track() });
    assert.equal(res.statusCode, 503);
    const next = await c.app.inject({ method: 'POST', url: '/v1/track', payload: track() });
    assert.equal(next.statusCode, 503);
    c.log.mode = 'up';
    c.log.releaseHung();
    await new Promise((r) => setTimeout(r, 450));
    assert.equal(
      (await c.app.inject({ method: 'POST', url: '/v1/track', payload: track() })).statusCode,
      200,
    );
  } finally {
    await c.close();
  }
});

test('back-pressure: with maxInFlightBytes held by a waiting append, further requests get 503 OVERLOADED instead of queueing', async () => {
  const c = await openTestCollector({ maxInFlightBytes: 2048, ackTimeoutMs: 5000 });
  try {
    c.log.mode = 'hang';
    const big = {
      batch: Array.from({ length: 10 }, () => ({
        ...track(),
        properties: { product_id: 'p', pad: 'z'.repeat(300) },
      })),
    };
    const pending = c.app.inject({ method: 'POST', url: '/v1/batch', payload: big });
    await new Promise((r) => setTimeout(r, 50));
    const refused = await c.app.inject({ method: 'POST', url: '/v1/track', payload: track() });
    assert.equal(refused.statusCode, 503);
    assert.equal(refused.json().code, 'SHOP_COLLECTOR_OVERLOADED');
    assert.ok(Number(refused.headers['retry-after']) >= 1);
    c.log.mode = 'up';
    c.log.releaseHung();
    assert.equal((await pending).statusCode, 200, 'the held request is acknowledged once durable');
  } finally {
    await c.close();
  }
});

test('per-key rate limit counts events: 429 with Retry-After, other clients unaffected', async () => {
  let nowMs = 5_000_000;
  const c = await openTestCollector({ rateLimitEventsPerSec: 10 }, () => nowMs);
  try {
    const batch = (n: number) => ({ batch: Array.from({ length: n }, track) });
    assert.equal(
      (await c.app.inject({ method: 'POST', url: '/v1/batch', payload: batch(8) })).statusCode,
      200,
    );
    const limited = await c.app.inject({ method: 'POST', url: '/v1/batch', payload: batch(5) });
    assert.equal(limited.statusCode, 429);
    assert.equal(limited.json().code, 'SHOP_COLLECTOR_RATE_LIMITED');
    assert.equal(limited.headers['retry-after'], '1');
    const other = await c.app.inject({
      method: 'POST',
      url: '/v1/batch',
      remoteAddress: '10.9.9.9',
      payload: batch(5),
    });
    assert.equal(other.statusCode, 200);
    nowMs += 1000;
    assert.equal(
      (await c.app.inject({ method: 'POST', url: '/v1/batch', payload: batch(5) })).statusCode,
      200,
    );
  } finally {
    await c.close();
  }
});

test('micro-batching: concurrent requests are grouped into fewer appends, and every acknowledged event is in the log', async () => {
  const c = await openTestCollector({ maxConcurrentAppends: 1 });
  try {
    const sent = Array.from({ length: 40 }, () => Array.from({ length: 5 }, track));
    const results = await Promise.all(
      sent.map((batch) => c.app.inject({ method: 'POST', url: '/v1/batch', payload: { batch } })),
    );
    assert.ok(results.every((r) => r.statusCode === 200));
    assert.ok(
      c.log.appended.length < sent.length,
      `${c.log.appended.length} appends for ${sent.length} requests`,
    );
    const ids = await idsInLog(c.records());
    for (const m of sent.flat()) assert.ok(ids.has(m.messageId));
  } finally {
    await c.close();
  }
});
