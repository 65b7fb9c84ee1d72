import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/index.js';
import { openLake } from '../lake/index.js';
import { openPgliteStore } from '../store/pglite/pglite-store.js';
import { AssetGraph } from './asset-graph.js';
import { enqueue, listQueue } from './job-queue.js';
import { listRuns } from './run-log.js';
import { Scheduler } from './scheduler.js';
import { testAsset, type TestAsset } from './testing/test-assets.js';

const DAY = '2026-03-02';

const overlaps = (a: TestAsset['calls'][number], b: TestAsset['calls'][number]) =>
  a.startMs < b.endMs && b.startMs < a.endMs;

test('a pool of one: its assets run one after the other, an asset outside it runs beside them', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'shopstream-pools-'));
  const store = await openPgliteStore({ dataDir: join(dir, 'serving') });
  await store.migrate();
  const lake = await openLake({ dir: join(dir, 'lake'), fsync: false });
  const manual = { kind: 'manual' } as const;
  const pooled = ['a', 'b', 'c'].map((k) =>
    testAsset(k, [], { schedule: manual, workMs: 150, pool: 'lake' }),
  );
  const free = testAsset('free', [], { schedule: manual, workMs: 300 });
  const scheduler = new Scheduler(
    new AssetGraph([...pooled, free]),
    { store, lake, config: loadConfig() },
    {
      executorId: 'test-pools',
      leaseMs: 2_000,
      heartbeatMs: 200,
      tickMs: 20,
      concurrency: 4,
      poolLimits: { lake: 1 },
      alerts: { cooldownMs: 0, webhooks: [] },
    },
  );
  const abort = new AbortController();
  try {
    for (const a of [...pooled, free])
      await enqueue(store, { asset: a.key, partition: DAY, trigger: 'manual' });
    const running = scheduler.run(abort.signal);
    for (let i = 0; i < 300 && (await listQueue(store)).length + scheduler.executor.running > 0; i++)
      await new Promise((r) => setTimeout(r, 25));
    abort.abort();
    await running;

    const runs = await listRuns(store, { limit: 100 });
    assert.equal(runs.filter((r) => r.status === 'succeeded').length, 4, JSON.stringify(runs));
    const calls = pooled.map((a) => a.calls[0]!).sort((x, y) => x.startMs - y.startMs);
    assert.equal(calls.length, 3);
    for (let i = 1; i < calls.length; i++)
      assert.ok(!overlaps(calls[i - 1]!, calls[i]!), `pooled attempts overlap: ${JSON.stringify(calls)}`);
    // The free asset started while the pool's first attempt ran: the pool held back only its own.
    assert.ok(
      calls.some((c) => overlaps(c, free.calls[0]!)),
      `free ran alone: ${JSON.stringify({ calls, free: free.calls })}`,
    );
  } finally {
    abort.abort();
    await lake.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
});
