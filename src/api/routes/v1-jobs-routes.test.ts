import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { enqueue } from '../../orchestration/job-queue.js';
import { claimAttempt, finishAttempt } from '../../orchestration/run-log.js';
import { openTestApi, type TestApi } from '../testing/open-test-api.js';

/** The jobs routes over run rows written by the orchestrator's own SQL. */
let t: TestApi;
before(async () => {
  t = await openTestApi({ api: { adminKeys: 'admin-secret', operatorKeys: 'operator-secret' } });
  const runId = await claimAttempt(t.store, {
    asset: 'marts.daily',
    partition: '2026-03-01',
    attempt: 1,
    trigger: 'backfill',
    backfillId: null,
    executorId: 'test',
    leaseMs: 60_000,
    upstreamVersions: { silver: '10:20:30' },
  });
  await finishAttempt(t.store, runId!, {
    status: 'failed',
    rowsWritten: null,
    errorCode: 'SHOP_JOBS_FAILED',
    errorMessage: 'disk full',
    checks: [],
  });
  await enqueue(t.store, { asset: 'marts.daily', partition: '2026-03-01', trigger: 'retry' });
});
after(() => t.close());

it('GET /api/v1/jobs lists every asset with its last status and recent errors', async () => {
  const res = await t.app.inject('/api/v1/jobs');
  assert.equal(res.statusCode, 200);
  const body = res.json() as {
    assets: {
      key: string;
      lastStatus: string | null;
      queued: number;
      recentErrors: { code: string; message: string }[];
    }[];
    scheduler: null;
  };
  assert.deepEqual(
    body.assets.map((a) => a.key),
    [
      'silver',
      'dq.suite',
      'lake.compaction',
      'marts.daily',
      'customers.daily',
      'reconcile.kpis',
      'gold.retention',
    ],
  );
  const marts = body.assets.find((a) => a.key === 'marts.daily')!;
  assert.equal(marts.lastStatus, 'failed');
  assert.equal(marts.queued, 1);
  assert.deepEqual(
    marts.recentErrors.map((e) => [e.code, e.message]),
    [['SHOP_JOBS_FAILED', 'disk full']],
  );
  assert.equal(body.scheduler, null);
});

it('GET /api/v1/jobs/:asset/runs returns the attempts with their lineage; 404 for an unknown asset', async () => {
  const res = await t.app.inject('/api/v1/jobs/marts.daily/runs');
  assert.equal(res.statusCode, 200);
  const runs = (res.json() as { runs: { status: string; upstreamVersions: Record<string, string> }[] }).runs;
  assert.deepEqual(
    runs.map((r) => [r.status, r.upstreamVersions]),
    [['failed', { silver: '10:20:30' }]],
  );
  assert.equal((await t.app.inject('/api/v1/jobs/nope/runs')).statusCode, 404);
});

it('POST /api/v1/jobs/:asset/runs queues a partition for admin keys only, audited', async () => {
  const url = '/api/v1/jobs/marts.daily/runs';
  const payload = { partition: '2026-03-02' };
  assert.equal((await t.app.inject({ method: 'POST', url, payload })).statusCode, 401);
  assert.equal(
    (await t.app.inject({ method: 'POST', url, payload, headers: { 'x-api-key': 'operator-secret' } }))
      .statusCode,
    403,
  );
  const ok = await t.app.inject({ method: 'POST', url, payload, headers: { 'x-api-key': 'admin-secret' } });
  assert.equal(ok.statusCode, 202);
  assert.deepEqual(ok.json(), { asset: 'marts.daily', partition: '2026-03-02', queued: true });
  const again = await t.app.inject({
    method: 'POST',
    url,
    payload,
    headers: { 'x-api-key': 'admin-secret' },
  });
  assert.equal((again.json() as { queued: boolean }).queued, false);
  const q = await t.store.query<{ partition_key: string }>(
    `SELECT partition_key FROM serving.pipeline_queue WHERE asset = 'marts.daily' ORDER BY 1`,
  );
  assert.deepEqual(
    q.map((r) => r.partition_key),
    ['2026-03-01', '2026-03-02'],
  );
  const audit = await t.store.query<{ action: string; target: string }>(
    `SELECT action, target FROM serving.audit_log WHERE action = 'job.trigger'`,
  );
  assert.equal(audit.length, 2);
  assert.equal(audit[0]!.target, 'marts.daily[2026-03-02]');
});
