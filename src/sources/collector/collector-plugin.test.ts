import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { RAW_TOPIC } from '../../log/event-log.js';
import { addWriteKey, writeWriteKeyFile } from './write-key-file.js';
import { CUSTOMERS_TOPIC } from './segment-to-customer.js';
import { openTestCollector, type TestCollector } from './testing/open-test-collector.js';
import { join } from 'node:path';

const nowIso = '2026-01-24T13:05:12.123Z';
const event = (over: Record<string, unknown> = {}) => ({
  event_id: randomUUID(),
  event_version: 1,
  event_type: 'click',
  event_time: nowIso,
  ingest_time: nowIso,
  user_id: 'u1',
  session_id: 's1',
  product_id: 'p1',
  quantity: null,
  price: null,
  currency: null,
  order_id: null,
  source: 'test',
  ...over,
});
const values = async (c: TestCollector, topic = RAW_TOPIC) =>
  (await c.records(topic)).map((r) => JSON.parse(r.value.toString('utf8')) as Record<string, unknown>);

let c: TestCollector;
before(async () => (c = await openTestCollector()));
after(async () => c.close());

test('POST /v1/events accepts one event, an array and NDJSON, appending each event unchanged keyed by user_id', async () => {
  const one = event();
  const many = [event({ user_id: 'u2' }), event({ user_id: 'u3' })];
  const ndjson = [event({ user_id: 'u4' }), event({ user_id: 'u5' })];
  const r1 = await c.app.inject({ method: 'POST', url: '/v1/events', payload: one });
  const r2 = await c.app.inject({ method: 'POST', url: '/v1/events', payload: many });
  const r3 = await c.app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: { 'content-type': 'application/x-ndjson' },
    payload: ndjson.map((e) => JSON.stringify(e)).join('\r\n') + '\n\n',
  });
  assert.deepEqual([r1.statusCode, r2.statusCode, r3.statusCode], [200, 200, 200]);
  assert.deepEqual([r1.json().accepted, r2.json().accepted, r3.json().accepted], [1, 2, 2]);
  const records = await c.records();
  const ids = new Set<string>([one, ...many, ...ndjson].map((e) => e.event_id));
  const ours = records.filter((r) =>
    ids.has((JSON.parse(r.value.toString()) as { event_id: string }).event_id),
  );
  assert.equal(ours.length, 5);
  for (const r of ours)
    assert.equal(r.key?.toString(), (JSON.parse(r.value.toString()) as { user_id: string }).user_id);
  const line = ours.find((r) => r.key?.toString() === 'u4')!;
  assert.equal(line.value.toString(), JSON.stringify(ndjson[0]));
});

test('malformed bodies get a coded 400 that never echoes the payload, and nothing is appended', async () => {
  const before = (await c.records()).length;
  const secret = 'secret-card-4111111111111111';
  for (const [type, payload] of [
    ['application/json', `{"a": "${secret}"`],
    ['application/x-ndjson', `{"ok":1}\nnot json ${secret}\n`],
  ] as const) {
    const res = await c.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { 'content-type': type },
      payload,
    });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().code, 'SHOP_COLLECTOR_BAD_BODY');
    assert.ok(!res.body.includes(secret));
  }
  const empty = await c.app.inject({
    method: 'POST',
    url: '/v1/batch',
    headers: { 'content-type': 'application/json' },
    payload: '{"batch": 3}',
  });
  assert.equal(empty.json().code, 'SHOP_COLLECTOR_BAD_BODY');
  const xml = await c.app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: { 'content-type': 'application/xml' },
    payload: '<a/>',
  });
  assert.equal(xml.statusCode, 415);
  assert.equal((await c.records()).length, before);
});

test('a Segment batch as gzip text/plain: batch context merged, track mapped to events, identify to the customer topic', async () => {
  const orderId = `o-${randomUUID()}`;
  const body = {
    batch: [
      {
        type: 'track',
        event: 'Order Completed',
        messageId: `m-${orderId}`,
        userId: 'cust-9',
        timestamp: nowIso,
        properties: {
          order_id: orderId,
          currency: 'eur',
          products: [
            { product_id: 'p1', price: 10, quantity: 2 },
            { sku: 'p2', price: 5 },
          ],
        },
      },
      {
        type: 'identify',
        messageId: `i-${orderId}`,
        userId: 'cust-9',
        traits: { email: 'a@b.c', plan: 'gold' },
      },
    ],
    context: { ip: '10.0.0.1', page: { url: 'https://shop.example/thanks' } },
    sentAt: nowIso,
  };
  const res = await c.app.inject({
    method: 'POST',
    url: '/v1/batch',
    headers: { 'content-type': 'text/plain', 'content-encoding': 'gzip' },
    payload: gzipSync(JSON.stringify(body)),
  });
  assert.equal(res.statusCode, 200);
  assert.equal(res.json().accepted, 2);
  const purchase = (await values(c)).find((v) => v['order_id'] === orderId)!;
  assert.equal(purchase['event_type'], 'purchase');
  assert.equal(purchase['price'], 25);
  assert.equal(purchase['quantity'], 1);
  assert.equal(purchase['currency'], 'EUR');
  assert.equal(purchase['ip_address'], '10.0.0.1');
  assert.equal(purchase['channel'], 'web');
  assert.equal(purchase['event_id'], `m-${orderId}`);
  assert.deepEqual(purchase['products'], [
    { product_id: 'p1', quantity: 2, price: 10, category: null },
    { product_id: 'p2', quantity: 1, price: 5, category: null },
  ]);
  const identify = (await values(c, CUSTOMERS_TOPIC)).find((v) => v['record_id'] === `i-${orderId}`)!;
  assert.deepEqual(identify['traits'], { email: 'a@b.c', plan: 'gold' });
  assert.equal(identify['user_id'], 'cust-9');
});

test('size limits: 32 KB per event, the batch body limit, 2,500 events per batch', async () => {
  const big = {
    type: 'track',
    event: 'Product Clicked',
    userId: 'u',
    properties: { blob: 'x'.repeat(33 * 1024) },
  };
  assert.equal(
    (await c.app.inject({ method: 'POST', url: '/v1/track', payload: big })).json().code,
    'SHOP_COLLECTOR_EVENT_TOO_LARGE',
  );
  const many = { batch: Array.from({ length: 2501 }, () => ({ type: 'track', event: 'Product Clicked' })) };
  assert.equal(
    (await c.app.inject({ method: 'POST', url: '/v1/batch', payload: many })).json().code,
    'SHOP_COLLECTOR_TOO_MANY_EVENTS',
  );
  const huge = {
    batch: Array.from({ length: 40 }, () => ({ type: 'track', properties: { blob: 'y'.repeat(16 * 1024) } })),
  };
  const res = await c.app.inject({ method: 'POST', url: '/v1/batch', payload: huge });
  assert.equal(res.statusCode, 413);
  assert.equal(res.json().code, 'SHOP_COLLECTOR_BODY_TOO_LARGE');
  const bomb = gzipSync(Buffer.alloc(5 * 1024 * 1024, 0x20));
  const zipped = await c.app.inject({
    method: 'POST',
    url: '/v1/batch',
    headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    payload: bomb,
  });
  assert.equal(zipped.json().code, 'SHOP_COLLECTOR_BODY_TOO_LARGE');
});

test('CORS: an allowed origin gets allow-origin and its preflight 204; another origin gets no CORS header', async () => {
  const pre = await c.app.inject({
    method: 'OPTIONS',
    url: '/v1/track',
    headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' },
  });
  assert.equal(pre.statusCode, 204);
  assert.equal(pre.headers['access-control-allow-origin'], 'https://shop.example');
  assert.match(String(pre.headers['access-control-allow-methods']), /POST/);
  const other = await c.app.inject({
    method: 'POST',
    url: '/v1/page',
    headers: { origin: 'https://evil.example' },
    payload: { anonymousId: 'a' },
  });
  assert.equal(other.headers['access-control-allow-origin'], undefined);
});

test('write keys: Basic user name or writeKey in the body; unknown keys are 401 even when keys are optional; the source comes from the key', async () => {
  const created = addWriteKey({ version: 1, keys: [] }, 'shop-web', Date.now());
  await writeWriteKeyFile(join(c.dir, 'keys.json'), created.content);
  const basic = 'Basic ' + Buffer.from(`${created.key}:`).toString('base64');
  const messageId = randomUUID();
  const ok = await c.app.inject({
    method: 'POST',
    url: '/v1/track',
    headers: { authorization: basic },
    payload: { event: 'Product Clicked', messageId, anonymousId: 'anon', properties: { product_id: 'p' } },
  });
  assert.equal(ok.statusCode, 200);
  assert.equal((await values(c)).find((v) => v['event_id'] === messageId)!['source'], 'shop-web');
  const inBody = await c.app.inject({
    method: 'POST',
    url: '/v1/track',
    payload: { writeKey: created.key, event: 'Product Clicked', anonymousId: 'anon' },
  });
  assert.equal(inBody.statusCode, 200);
  const wrong = await c.app.inject({
    method: 'POST',
    url: '/v1/track',
    payload: { writeKey: 'nope', event: 'Product Clicked' },
  });
  assert.equal(wrong.statusCode, 401);
  assert.equal(wrong.json().code, 'SHOP_COLLECTOR_UNAUTHORIZED');
});
