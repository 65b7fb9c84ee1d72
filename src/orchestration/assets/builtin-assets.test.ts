import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config/index.js';
import { openLake } from '../../lake/index.js';
import { openPgliteStore } from '../../store/pglite/pglite-store.js';
import { listRuns } from '../run-log.js';
import { Scheduler } from '../scheduler.js';
import { builtinGraph } from './builtin-assets.js';

test('the scheduler runs the data-quality suite every dq.intervalMs (as start did) and stops when aborted', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'shopstream-dq-asset-'));
  const store = await openPgliteStore({ dataDir: join(dir, 'serving') });
  await store.migrate();
  const lake = await openLake({ dir: join(dir, 'lake'), fsync: false });
  const config = loadConfig({
    overrides: {
      dq: { intervalMs: 200 },
      lake: { compactIntervalMs: 0 },
      scheduler: { silverObserveIntervalMs: 0 },
    },
  });
  const scheduler = new Scheduler(
    builtinGraph(config),
    { store, lake, config },
    {
      executorId: 'dq-test',
      leaseMs: 2_000,
      heartbeatMs: 500,
      tickMs: 25,
      concurrency: 1,
      alerts: { cooldownMs: 0, webhooks: [] },
    },
  );
  const abort = new AbortController();
  try {
    const running = scheduler.run(abort.signal);
    let runs = 0;
    for (let i = 0; i < 100 && runs < 2; i++) {
      await new Promise((r) => setTimeout(r, 100));
      runs = (
        await store.query<{ n: number }>('SELECT count(*)::int AS n FROM serving.data_quality_runs')
      )[0]!.n;
    }
    abort.abort();
    await running;
    assert.ok(runs >= 2, `${runs} scheduled runs stored`);
    const rows = await listRuns(store, { asset: 'dq.suite' });
    assert.ok(rows.filter((r) => r.status === 'succeeded').length >= 2);
    assert.ok(rows.every((r) => r.trigger === 'schedule' && r.partition === '' && r.status !== 'running'));
    assert.deepEqual(await listRuns(store, { asset: 'lake.compaction' }), [], 'compaction off (interval 0)');
    const lease = await store.query('SELECT * FROM serving.pipeline_scheduler_lease');
    assert.equal(lease.length, 0, 'the lease is given up at shutdown');
  } finally {
    abort.abort();
    await lake.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
});
