/**
 * Issue 6, done-when: the simulator's spike and drop scenarios run through the real pipeline
 * (`shopstream generate` -> `shopstream process --once` -> the detector replayed window by window,
 * as a live detector would see the windows arrive) raise a critical alert that the API lists within
 * two windows of the scenario start, delivered once to a real webhook receiver on 127.0.0.1 that
 * is down at first and comes up later.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { alertOptionsFromConfig, DetectorLoop } from '../../src/alerts/index.js';
import { buildApiServer } from '../../src/api/build-api-server.js';
import { LiveFeed } from '../../src/api/live/live-feed.js';
import { loadConfig } from '../../src/config/index.js';
import { openPgliteStore } from '../../src/store/pglite/pglite-store.js';
import { runCliOk, tempDataDir } from '../helpers/cli.js';

const START = Date.UTC(2026, 0, 24, 12, 0);
const MIN = 60_000;
const SCENARIO_START_S = 20 * 60;
// 100 events/s, flat: 6,000 per minute; the spike triples it. Spike: 120k before it + 2 minutes of
// 18k + some = 165k records (windows 12:20 and 12:21 exist). Drop: 130k records = 21.7 minutes.

interface Delivery {
  key: string;
  alertId: string;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

function startReceiver(port: number, got: Delivery[]): Promise<Server> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const parsed = JSON.parse(body) as { alert: { id: string } };
      got.push({ key: String(req.headers['idempotency-key']), alertId: parsed.alert.id });
      res.writeHead(200).end('ok');
    });
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

async function runScenario(scenario: 'spike' | 'drop'): Promise<void> {
  const tmp = await tempDataDir(`alerting-${scenario}`);
  cleanups.push(tmp.cleanup);
  await runCliOk(
    [
      'generate',
      '--count',
      String(scenario === 'spike' ? 165_000 : 130_000),
      '--rate',
      '100',
      '--start-time',
      new Date(START).toISOString(),
      '--scenario',
      scenario,
      '--scenario-start-s',
      String(SCENARIO_START_S),
      '--scenario-duration-s',
      '300',
      '--spike-factor',
      '3',
      '--invalid-pct',
      '0',
      '--duplicate-pct',
      '0',
      '--late-pct',
      '0',
      '--out-of-order-pct',
      '0',
      '--to',
      'log',
    ],
    { dataDir: tmp.dir, env: { SHOPSTREAM_SIMULATOR_TRAFFIC_SHAPE: 'flat' } },
  );
  await runCliOk(['process', '--once'], { dataDir: tmp.dir });

  const port = await freePort();
  const config = loadConfig({
    overrides: {
      dataDir: tmp.dir,
      alerts: {
        webhookUrls: `http://127.0.0.1:${port}/hook`,
        deliveryBackoffBaseMs: 5_000,
        noDataMinutes: 0,
      },
    },
  });
  const store = await openPgliteStore({ dataDir: join(tmp.dir, 'serving') });
  const app = await buildApiServer({ store, config, liveFeed: new LiveFeed(), logger: false });
  let clock = START;
  const detector = new DetectorLoop({
    store,
    options: alertOptionsFromConfig(config),
    topic: 'ecom.events.raw.v1',
    nowMs: () => clock,
  });
  const got: Delivery[] = [];
  let server: Server | undefined;
  try {
    const scenarioMs = START + SCENARIO_START_S * 1000;
    // The live detector's view: windows arrive one per minute; a pass at minute t sees windows < t.
    let firstCritical: { id: string; atMs: number } | undefined;
    for (let t = START + 2 * MIN; t <= scenarioMs + 4 * MIN && firstCritical === undefined; t += MIN) {
      clock = t + 5_000;
      await detector.runOnce({ untilMs: t });
      const res = await app.inject({
        url: `/alerts?severity=critical&from=${new Date(START).toISOString()}&to=${new Date(t).toISOString()}`,
      });
      const alerts = (res.json() as { alerts: { id: string; window_start: string }[] }).alerts;
      if (alerts.length > 0) firstCritical = { id: alerts.at(-1)!.id, atMs: t };
    }
    assert.ok(firstCritical, `no critical alert for the ${scenario} scenario`);
    assert.ok(
      firstCritical.atMs - scenarioMs <= 2 * MIN,
      `critical seen ${(firstCritical.atMs - scenarioMs) / MIN} windows after the ${scenario} began`,
    );
    assert.equal(got.length, 0, 'the receiver is down: nothing received yet');

    server = await startReceiver(port, got);
    for (let i = 0; i < 4; i++) {
      clock += 60_000;
      await detector.runOnce({ untilMs: firstCritical.atMs });
    }
    const forFirst = got.filter((d) => d.alertId === firstCritical.id);
    assert.equal(forFirst.length, 1, `alert ${firstCritical.id} delivered ${forFirst.length} times`);
    assert.equal(forFirst[0]!.key, `${firstCritical.id}:raised`);
    assert.equal(new Set(got.map((d) => d.key)).size, got.length, 'no notification delivered twice');
    const outbox = await store.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM serving.alert_outbox WHERE status <> 'sent'`,
    );
    assert.equal(outbox[0]!.n, 0);
  } finally {
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    await app.close();
    await store.close();
  }
}

const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of cleanups) await c();
});

describe('alerting end to end (generate -> process -> detector -> API -> webhook)', () => {
  it('a traffic spike raises a critical within two windows, delivered once after the receiver comes up', () =>
    runScenario('spike'));
  it('a checkout drop raises a critical within two windows, delivered once after the receiver comes up', () =>
    runScenario('drop'));
});
