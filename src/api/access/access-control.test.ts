import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openTestApi, type TestApi } from '../testing/open-test-api.js';
import { sha256Hex } from './api-keys.js';

const opened: TestApi[] = [];
after(async () => {
  for (const t of opened) await t.close();
});
async function api(
  apiSection: Record<string, unknown>,
  top: Record<string, unknown> = {},
  now?: () => number,
) {
  const t = await openTestApi({ api: apiSection, ...top }, now === undefined ? {} : { now });
  opened.push(t);
  return t;
}

describe('API keys and roles', () => {
  it('reads are open by default in embedded mode and need a key in distributed mode', async () => {
    const embedded = await api({});
    assert.equal((await embedded.app.inject('/api/v1/funnel')).statusCode, 200);
    const distributed = await api({ viewerKeys: 'v-key' }, { log: { brokers: 'localhost:9092' } });
    const res = await distributed.app.inject('/api/v1/funnel');
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().code, 'SHOP_API_UNAUTHORIZED');
    assert.equal(
      (await distributed.app.inject({ url: '/api/v1/funnel', headers: { 'x-api-key': 'v-key' } })).statusCode,
      200,
    );
    assert.equal((await distributed.app.inject('/health')).statusCode, 200);
    assert.equal((await distributed.app.inject('/docs/json')).statusCode, 200);
  });

  it('accepts keys configured as sha256 digests, rejects unknown keys even on open routes', async () => {
    const t = await api({ readAuth: 'key', adminKeys: `sha256:${sha256Hex('boss')}` });
    assert.equal(
      (await t.app.inject({ url: '/api/v1/session', headers: { 'x-api-key': 'boss' } })).json().role,
      'admin',
    );
    const wrong = await t.app.inject({ url: '/health', headers: { 'x-api-key': 'typo' } });
    assert.equal(wrong.statusCode, 401);
  });

  it('a viewer may read but not acknowledge (403)', async () => {
    const t = await api({ viewerKeys: 'viewer-1', adminKeys: 'admin-1' });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/alerts/x/acknowledge',
      payload: {},
      headers: { 'x-api-key': 'viewer-1' },
    });
    assert.equal(res.statusCode, 403);
    assert.equal(res.json().code, 'SHOP_API_FORBIDDEN');
  });
});

describe('rate limiting', () => {
  it('answers 429 with Retry-After past api.rateLimitPerMin, and refills over time', async () => {
    let nowMs = 1_000_000;
    const t = await api({ rateLimitPerMin: 3 }, {}, () => nowMs);
    const codes = [];
    for (let i = 0; i < 4; i += 1) codes.push((await t.app.inject('/health')).statusCode);
    assert.deepEqual(codes, [200, 200, 200, 429]);
    const limited = await t.app.inject('/health');
    assert.equal(limited.json().code, 'SHOP_API_RATE_LIMITED');
    assert.equal(limited.headers['retry-after'], '20');
    nowMs += 20_000;
    assert.equal((await t.app.inject('/health')).statusCode, 200);
  });
});

describe('CORS', () => {
  it('echoes an allowed origin, answers its preflight, and rejects other origins', async () => {
    const t = await api({ corsOrigins: 'https://wall.example.com' });
    const ok = await t.app.inject({ url: '/health', headers: { origin: 'https://wall.example.com' } });
    assert.equal(ok.headers['access-control-allow-origin'], 'https://wall.example.com');
    const other = await t.app.inject({ url: '/health', headers: { origin: 'https://evil.example' } });
    assert.equal(other.headers['access-control-allow-origin'], undefined);
    const preflight = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/alerts/x/acknowledge',
      headers: { origin: 'https://wall.example.com', 'access-control-request-method': 'POST' },
    });
    assert.equal(preflight.statusCode, 204);
    assert.match(String(preflight.headers['access-control-allow-headers']), /x-api-key/);
    const denied = await t.app.inject({
      method: 'OPTIONS',
      url: '/health',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
    });
    assert.equal(denied.statusCode, 403);
    assert.equal(denied.json().code, 'SHOP_API_CORS_REJECTED');
  });
});

describe('request limits and errors', () => {
  it('rejects a body over api.bodyLimitBytes with 413 SHOP_API_BODY_TOO_LARGE', async () => {
    const t = await api({ bodyLimitBytes: 100, adminKeys: 'a' });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/alerts/x/acknowledge',
      headers: { 'x-api-key': 'a', 'content-type': 'application/json' },
      payload: JSON.stringify({ by: 'x'.repeat(500) }),
    });
    assert.equal(res.statusCode, 413);
    assert.equal(res.json().code, 'SHOP_API_BODY_TOO_LARGE');
  });

  it('never leaks a stack trace or SQL: a store failure is a coded 500 with a generic message', async () => {
    const t = await api({});
    await t.store.query('DROP TABLE serving.product_minute');
    const res = await t.app.inject('/api/v1/products/top');
    assert.equal(res.statusCode, 500);
    const body = res.json();
    assert.equal(body.code, 'SHOP_STORE_QUERY_FAILED');
    assert.doesNotMatch(res.body, /product_minute|SELECT|at .*\.ts:\d+/);
    assert.equal(typeof body.requestId, 'string');
  });

  it('a malformed query is a 400 with the coded body; an unknown API path is 404', async () => {
    const t = await api({});
    const bad = await t.app.inject('/kpis?metric=revenue&limit=0');
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().code, 'SHOP_API_BAD_REQUEST');
    const time = await t.app.inject('/kpis?metric=revenue&from=yesterday');
    assert.equal(time.statusCode, 400);
    const missing = await t.app.inject('/api/v1/nothing');
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().code, 'SHOP_API_NOT_FOUND');
  });
});
