import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/index.js';
import { openPgliteStore } from '../store/pglite/pglite-store.js';
import type { ServingStore } from '../store/serving-store.js';
import { seedWindow } from '../api/testing/seed-serving-data.js';
import { alertOptionsFromConfig } from './alert-options.js';
import { DetectorLoop } from './detector-loop.js';

const T0 = Date.UTC(2026, 0, 24, 12, 0);
const MIN = 60_000;
/** Revenue alternates 1000 / 1100: a steady series with spread; window 20 jumps to 9000. */
const revenueAt = (i: number) => (i === 20 ? 9000 : i % 2 === 0 ? 1000 : 1100);

interface Received {
  headers: IncomingHttpHeaders;
  body: { event: string; dedupe_key: string; alert: { id: string } };
}

function receiver(port: number): Promise<{ server: Server; got: Received[] }> {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString()));
    req.on('end', () => {
      got.push({ headers: req.headers, body: JSON.parse(data) as Received['body'] });
      res.writeHead(204).end();
    });
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve({ server, got })));
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

describe('DetectorLoop over a PGlite store with a real webhook receiver', () => {
  let dir: string;
  let store: ServingStore;
  let port: number;
  let clock = T0 + 22 * MIN;
  let up: { server: Server; got: Received[] } | undefined;
  const loop = () => {
    const config = loadConfig({
      overrides: {
        alerts: {
          metrics: 'revenue',
          webhookUrls: `http://127.0.0.1:${port}/hook`,
          deliveryBackoffBaseMs: 1000,
          deliveryTimeoutMs: 2000,
          noDataMinutes: 0,
        },
      },
    });
    return new DetectorLoop({
      store,
      options: alertOptionsFromConfig(config),
      topic: 'ecom.events.raw.v1',
      nowMs: () => clock,
    });
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shopstream-detector-'));
    store = await openPgliteStore({ dataDir: dir });
    await store.migrate();
    port = await freePort();
    for (let i = 0; i <= 21; i++) {
      await seedWindow(store, {
        windowStartMs: T0 + i * MIN,
        clicks: 500,
        carts: 100,
        checkouts: 50,
        purchases: 20,
        revenue: revenueAt(i),
      });
    }
  });
  after(async () => {
    await new Promise((r) => (up ? up.server.close(r) : r(undefined)));
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('raises a critical for the second-latest window; the down receiver gets nothing yet', async () => {
    const pass = await loop().runOnce();
    const id = `ewma:revenue:${new Date(T0 + 20 * MIN).toISOString()}`;
    assert.deepEqual(pass.written.raised, [id]);
    assert.equal(pass.deliveries.length, 1);
    assert.equal(pass.deliveries[0]!.ok, false);
    const rows = await store.query<{ severity: string; status: string }>(
      `SELECT severity, status FROM serving.alerts WHERE id = $1`,
      [id],
    );
    assert.deepEqual(rows, [{ severity: 'critical', status: 'open' }]);
  });

  it('re-detection is idempotent: no second alert, no second outbox row', async () => {
    const pass = await loop().runOnce();
    assert.deepEqual(pass.written.raised, []);
    assert.equal(pass.deliveries.length, 0, 'the retry is not due before its backoff');
    const n = await store.query<{ n: number }>(`SELECT count(*)::int AS n FROM serving.alert_outbox`);
    assert.equal(n[0]!.n, 1);
  });

  it('delivers once after the receiver comes back, with the idempotency key', async () => {
    up = await receiver(port);
    clock += 1000;
    const pass = await loop().runOnce();
    assert.equal(pass.deliveries.filter((d) => d.ok).length, 1);
    clock += 60_000;
    await loop().runOnce();
    assert.equal(up.got.length, 1);
    const id = `ewma:revenue:${new Date(T0 + 20 * MIN).toISOString()}`;
    assert.equal(up.got[0]!.headers['idempotency-key'], `${id}:raised`);
    assert.equal(up.got[0]!.body.alert.id, id);
    const log = await store.query<{ attempt: number; ok: boolean }>(
      `SELECT attempt, ok FROM serving.alert_deliveries ORDER BY id`,
    );
    assert.deepEqual(log, [
      { attempt: 1, ok: false },
      { attempt: 2, ok: true },
    ]);
  });

  it('auto-resolves when the metric recovers, notifying the resolution once', async () => {
    for (let i = 22; i <= 23; i++) {
      await seedWindow(store, {
        windowStartMs: T0 + i * MIN,
        clicks: 500,
        carts: 100,
        checkouts: 50,
        purchases: 20,
        revenue: revenueAt(i),
      });
    }
    const pass = await loop().runOnce();
    assert.deepEqual(pass.written.resolved, [`ewma:revenue:${new Date(T0 + 20 * MIN).toISOString()}`]);
    await loop().runOnce();
    assert.deepEqual(
      up!.got.map((g) => g.body.event),
      ['raised', 'resolved'],
    );
  });
});
