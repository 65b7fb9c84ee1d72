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
import { testAsset } from './testing/test-assets.js';

const DAY = '2026-03-02';

/**
 * Five assets: raw -> flaky -> clean -> report (report also reads raw), and raw -> broken.
 * flaky fails twice and then succeeds; broken always fails.
 */
test('a five-asset graph: retries with backoff, downstream waits, run rows tell the story, one alert', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'shopstream-orch-'));
  const store = await openPgliteStore({ dataDir: join(dir, 'serving') });
  await store.migrate();
  const lake = await openLake({ dir: join(dir, 'lake'), fsync: false });
  const raw = testAsset('raw', [], { schedule: { kind: 'manual' } });
  const flaky = testAsset('flaky', ['raw'], {
    failFirst: 2,
    retry: { maxAttempts: 4, backoffBaseMs: 150, jitter: 0.2 },
  });
  const clean = testAsset('clean', ['flaky']);
  const report = testAsset('report', ['clean', 'raw']);
  const broken = testAsset('broken', ['raw'], {
    failFirst: Infinity,
    retry: { maxAttempts: 2, backoffBaseMs: 50 },
  });
  const graph = new AssetGraph([raw, flaky, clean, report, broken]);
  const scheduler = new Scheduler(
    graph,
    { store, lake, config: loadConfig() },
    {
      executorId: 'test-scheduler',
      leaseMs: 2_000,
      heartbeatMs: 200,
      tickMs: 25,
      concurrency: 2,
      alerts: { cooldownMs: 0, webhooks: [{ url: 'http://127.0.0.1:9/hook', format: 'json' }] },
    },
  );
  const abort = new AbortController();
  try {
    await enqueue(store, { asset: 'raw', partition: DAY, trigger: 'manual' });
    const running = scheduler.run(abort.signal);
    for (
      let i = 0;
      i < 400 &&
      (report.calls.length === 0 || broken.calls.length < 2 || (await listQueue(store)).length > 0);
      i++
    )
      await new Promise((r) => setTimeout(r, 25));
    // A few more ticks: nothing is queued again (the failure is not retried without a new upstream version).
    await new Promise((r) => setTimeout(r, 300));
    abort.abort();
    await running;

    const runs = (await listRuns(store, { limit: 1000 })).reverse();
    const story = runs.map((r) => `${r.asset} #${r.attempt} ${r.status}`);
    const of = (asset: string) => runs.filter((r) => r.asset === asset);
    assert.deepEqual(
      of('raw').map((r) => r.status),
      ['succeeded'],
      story.join('\n'),
    );
    assert.deepEqual(
      of('flaky').map((r) => `${r.attempt}:${r.status}`),
      ['1:failed', '2:failed', '3:succeeded'],
    );
    assert.deepEqual(
      of('clean').map((r) => r.status),
      ['succeeded'],
    );
    assert.deepEqual(
      of('report').map((r) => r.status),
      ['succeeded'],
    );
    assert.deepEqual(
      of('broken').map((r) => `${r.attempt}:${r.status}`),
      ['1:failed', '2:failed'],
    );
    assert.ok(
      of('flaky')
        .slice(0, 2)
        .every((r) => r.errorCode === 'SHOP_JOBS_FAILED' && r.errorMessage?.includes('flaked')),
    );
    // Backoff: the gap before attempt n+1 is at least 150 * 2^(n-1) * 0.8 ms.
    for (const [n, min] of [
      [1, 120],
      [2, 240],
    ] as const) {
      const gap = flaky.calls[n]!.startMs - flaky.calls[n - 1]!.endMs;
      assert.ok(gap >= min, `gap before attempt ${n + 1}: ${gap} ms`);
    }
    // Downstream waited: clean started after flaky's success, report after clean's.
    assert.ok(clean.calls[0]!.startMs >= flaky.calls[2]!.endMs);
    assert.ok(report.calls[0]!.startMs >= clean.calls[0]!.endMs);
    // Lineage: each success read the run ids of its upstream successes.
    const ok = (asset: string) => of(asset).find((r) => r.status === 'succeeded')!;
    assert.deepEqual(ok('clean').upstreamVersions, { flaky: ok('flaky').runId });
    assert.deepEqual(ok('report').upstreamVersions, { clean: ok('clean').runId, raw: ok('raw').runId });
    assert.ok(runs.every((r) => r.partition === DAY && r.finishedAt !== null && r.durationMs !== null));
    assert.equal(of('report')[0]!.rowsWritten, 10);
    // Exactly one alert, with one webhook notification.
    const alerts = await store.query<{ id: string; rule: string; metric: string; severity: string }>(
      `SELECT id, rule, metric, severity FROM serving.alerts`,
    );
    assert.deepEqual(
      alerts.map((a) => [a.rule, a.metric, a.severity]),
      [['pipeline_failed', `job:broken:${DAY}`, 'critical']],
    );
    const outbox = await store.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM serving.alert_outbox WHERE alert_id = $1`,
      [alerts[0]!.id],
    );
    assert.equal(outbox[0]!.n, 1);
  } finally {
    abort.abort();
    await lake.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
});
