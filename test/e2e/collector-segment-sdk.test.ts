import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Analytics } from '@segment/analytics-node';
import { openEmbeddedLog } from '../../src/log/embedded/index.js';
import { CUSTOMERS_TOPIC } from '../../src/sources/collector/index.js';
import { readAll } from '../../src/log/testing/read-all.js';
import { runCliOk } from '../helpers/cli.js';
import { startCollectorProcess, stopProcess } from './helpers/collector-process.js';

/** KPI totals (summed over windows) from `shopstream kpis --json`. */
async function kpiTotals(dataDir: string): Promise<Map<string, number>> {
  const out = await runCliOk(['kpis', '--json', '--grain', 'day'], { dataDir });
  const totals = new Map<string, number>();
  for (const line of out.split('\n').filter((l) => l.trim() !== '')) {
    const row = JSON.parse(line) as { metric: string; value: number };
    totals.set(row.metric, (totals.get(row.metric) ?? 0) + row.value);
  }
  return totals;
}

test(
  'the Segment Node SDK (write key, host = the collector): track, page, identify land in the log, flow through the processor, KPIs match',
  { timeout: 180_000 },
  async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'shopstream-collector-sdk-'));
    try {
      const { key } = JSON.parse(
        await runCliOk(['keys', 'create', '--source', 'shop-server', '--json'], { dataDir }),
      ) as { key: string };
      const collector = await startCollectorProcess(dataDir, {
        SHOPSTREAM_COLLECTOR_REQUIRE_WRITE_KEY: 'always',
      });
      const analytics = new Analytics({
        writeKey: key,
        host: collector.baseUrl,
        flushAt: 5,
        flushInterval: 200,
        maxRetries: 3,
      });
      const errors: unknown[] = [];
      analytics.on('error', (err: unknown) => errors.push(err));
      const timestamp = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 5 * 60_000 + 1_000);
      const user = { userId: 'cust-42' };
      for (let i = 0; i < 6; i++)
        analytics.track({
          ...user,
          event: 'Product Clicked',
          timestamp,
          properties: { product_id: `p${i}`, category: 'shoes' },
        });
      for (let i = 0; i < 3; i++)
        analytics.track({
          ...user,
          event: 'Product Added',
          timestamp,
          properties: { product_id: `p${i}`, price: 10, quantity: 2, currency: 'EUR' },
        });
      for (let i = 0; i < 2; i++)
        analytics.track({ ...user, event: 'Checkout Started', timestamp, properties: { order_id: `o${i}` } });
      analytics.track({
        ...user,
        event: 'Order Completed',
        timestamp,
        properties: {
          order_id: 'o0',
          revenue: 55.5,
          currency: 'EUR',
          products: [{ product_id: 'p0', price: 20, quantity: 2 }],
        },
      });
      analytics.track({
        ...user,
        event: 'Order Completed',
        timestamp,
        properties: {
          order_id: 'o1',
          currency: 'EUR',
          products: [
            { product_id: 'p1', price: 10, quantity: 2 },
            { product_id: 'p2', price: 5 },
          ],
        },
      });
      analytics.page({ ...user, name: 'Home', timestamp, properties: { url: 'https://shop.example/' } });
      analytics.identify({ ...user, traits: { email: 'cust42@example.com', plan: 'gold' } });
      await analytics.closeAndFlush({ timeout: 30_000 });
      await stopProcess(collector.child);
      assert.deepEqual(errors, []);

      const log = await openEmbeddedLog({
        dir: join(dataDir, 'log'),
        mode: 'read',
        fsync: 'never',
        fsyncIntervalMs: 200,
        segmentBytes: 64 * 1024 * 1024,
        maxRecordBytes: 1024 * 1024,
      });
      const customers = await readAll(log, CUSTOMERS_TOPIC).finally(() => log.close());
      assert.equal(customers.length, 1);
      const identify = JSON.parse(customers[0]!.value.toString()) as {
        traits: Record<string, unknown>;
        user_id: string;
        source: string;
      };
      assert.deepEqual(
        [identify.user_id, identify.traits['plan'], identify.source],
        ['cust-42', 'gold', 'shop-server'],
      );

      await runCliOk(['process', '--once'], { dataDir });
      const kpis = await kpiTotals(dataDir);
      const expected = {
        events_total: 14,
        events_click: 6,
        events_add_to_cart: 3,
        events_checkout: 2,
        events_purchase: 2,
        revenue: 55.5 + 25,
      };
      for (const [metric, value] of Object.entries(expected)) assert.equal(kpis.get(metric), value, metric);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  },
);
