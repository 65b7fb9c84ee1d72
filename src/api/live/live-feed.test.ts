import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LiveFeed, type LiveMessage } from './live-feed.js';
import { startStoreCommitPoller } from './store-commit-poller.js';
import { KpiBroadcaster, type StreamEvent } from './kpi-broadcaster.js';
import { openTestApi, type TestApi } from '../testing/open-test-api.js';
import { seedAlert, seedWindow } from '../testing/seed-serving-data.js';
import { OffsetRateSampler } from './offset-rate-sampler.js';

const opened: TestApi[] = [];
after(async () => {
  for (const t of opened) await t.close();
});

const waitFor = async <T>(probe: () => T | undefined, what: string): Promise<T> => {
  for (let i = 0; i < 200; i += 1) {
    const v = probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
};

describe('LiveFeed', () => {
  it('delivers to every subscriber and drops one that throws', () => {
    const feed = new LiveFeed();
    const got: LiveMessage[] = [];
    feed.subscribe(() => {
      throw new Error('broken subscriber');
    });
    const off = feed.subscribe((m) => got.push(m));
    feed.publishCommit({ windowsTouched: [60_000], committedAt: 1 });
    feed.publishAlert({ id: 'a' });
    assert.equal(got.length, 2);
    assert.equal(feed.subscriberCount, 1);
    off();
    assert.equal(feed.subscriberCount, 0);
  });
});

describe('store commit poller (distributed mode)', () => {
  it('publishes windows committed and alerts raised after it started, not history', async () => {
    const t = await openTestApi();
    opened.push(t);
    const w = Date.parse('2026-01-24T13:00:00.000Z');
    await seedWindow(
      t.store,
      { windowStartMs: w - 60_000, clicks: 1, carts: 0, checkouts: 0, purchases: 0, revenue: 0 },
      Date.now() - 5_000,
    );
    const feed = new LiveFeed();
    const got: LiveMessage[] = [];
    feed.subscribe((m) => got.push(m));
    const stop = startStoreCommitPoller(t.store, feed, {
      intervalMs: 50,
      onError: (e) => assert.fail(String(e)),
    });
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(got.length, 0, 'history is not replayed');
    await seedWindow(t.store, {
      windowStartMs: w,
      clicks: 3,
      carts: 1,
      checkouts: 0,
      purchases: 0,
      revenue: 0,
    });
    const commit = await waitFor(() => got.find((m) => m.kind === 'commit'), 'a commit');
    assert.deepEqual(commit.kind === 'commit' && commit.commit.windowsTouched, [w]);
    const id = await seedAlert(t.store, {
      metric: 'revenue',
      windowStartMs: w,
      severity: 'warning',
      value: 1,
      baseline: 2,
      zScore: -3.2,
      createdAtMs: Date.now(),
    });
    const alert = await waitFor(() => got.find((m) => m.kind === 'alert'), 'an alert');
    assert.deepEqual(alert.kind === 'alert' && alert.alert.id, id);
    await stop();
  });
});

describe('KpiBroadcaster', () => {
  it('re-reads touched windows once for all clients and pushes the API values', async () => {
    const t = await openTestApi();
    opened.push(t);
    const w = Date.parse('2026-01-24T13:00:00.000Z');
    await seedWindow(t.store, {
      windowStartMs: w,
      clicks: 40,
      carts: 10,
      checkouts: 5,
      purchases: 4,
      revenue: 100,
    });
    const feed = new LiveFeed();
    const b = new KpiBroadcaster(t.store, feed, (e) => assert.fail(String(e)));
    const a: StreamEvent[] = [];
    const c: StreamEvent[] = [];
    b.addClient((e) => a.push(e));
    b.addClient((e) => c.push(e));
    feed.publishCommit({ windowsTouched: [w], committedAt: w + 61_000 });
    feed.publishCommit({ windowsTouched: [w], committedAt: w + 62_000 });
    await b.idle();
    assert.ok(a.length >= 1 && a.length <= 2);
    assert.deepEqual(a, c);
    const payload = JSON.parse(a[a.length - 1]!.data) as { windows: { metrics: Record<string, number> }[] };
    assert.equal(payload.windows[0]!.metrics.aov, 25);
    assert.equal(payload.windows[0]!.metrics.purchase_conversion, 0.1);
    b.close();
  });
});

describe('OffsetRateSampler', () => {
  it('derives events per second from committed offsets', () => {
    const s = new OffsetRateSampler(10_000);
    s.record(0, 1_000);
    assert.equal(s.ratePerSec(), null);
    s.record(2_000, 5_000);
    assert.equal(s.ratePerSec(), 2_000);
  });
});
