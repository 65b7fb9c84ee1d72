import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/index.js';
import { openLake } from '../lake/index.js';
import { openPgliteStore } from '../store/pglite/pglite-store.js';
import { enqueue, listQueue } from './job-queue.js';
import { runAttempt } from './run-attempt.js';
import { listRuns } from './run-log.js';
import { testAsset } from './testing/test-assets.js';

/**
 * An executor pass reads the queue, then starts what is due. When an attempt of the same request
 * settles in between (failed, held back by its backoff), the request the pass holds is stale: the
 * scheduler once started it again as attempt 1 with no backoff (a flake of the five-asset test on
 * Node 24). The claim now checks the request is unchanged.
 */
test('a request read before its previous attempt settled is not started again', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'shopstream-attempt-'));
  const store = await openPgliteStore({ dataDir: join(dir, 'serving') });
  await store.migrate();
  const lake = await openLake({ dir: join(dir, 'lake'), fsync: false });
  try {
    const broken = testAsset('broken', [], {
      failFirst: Infinity,
      retry: { maxAttempts: 3, backoffBaseMs: 200, jitter: 0 },
    });
    const env = {
      deps: { store, lake, config: loadConfig() },
      executorId: 'test-executor',
      leaseMs: 5_000,
      alerts: { cooldownMs: 0, webhooks: [] },
      signal: new AbortController().signal,
    };
    await enqueue(store, { asset: 'broken', partition: '2026-03-02', trigger: 'manual' });
    const [stale] = await listQueue(store);
    assert.equal(stale?.attempts, 0);

    assert.equal(await runAttempt(env, broken, stale!, {}), 'failed');
    const [held] = await listQueue(store);
    assert.equal(held?.attempts, 1, 'the failure was counted and the request held back');
    assert.equal(held?.due, false);

    assert.equal(await runAttempt(env, broken, stale!, {}), null, 'stale read, inside the backoff');
    await new Promise((r) => setTimeout(r, 250));
    assert.equal(await runAttempt(env, broken, stale!, {}), null, 'stale read, after the backoff');
    assert.equal(broken.calls.length, 1);

    const [current] = await listQueue(store);
    assert.equal(current?.due, true);
    assert.equal(await runAttempt(env, broken, current!, {}), 'failed');
    const runs = (await listRuns(store, { limit: 10 })).reverse();
    assert.deepEqual(
      runs.map((r) => `${r.attempt}:${r.status}`),
      ['1:failed', '2:failed'],
    );
  } finally {
    await lake.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
});
