import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPgliteStore } from '../store/pglite/pglite-store.js';
import { applyFreshness } from './pipeline-alerts.js';

test('an asset later than its freshness policy raises one pipeline_late alert; a new success resolves it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'shopstream-late-'));
  const store = await openPgliteStore({ dataDir: join(dir, 'serving') });
  await store.migrate();
  const o = { cooldownMs: 0, webhooks: [] };
  const a = {
    asset: 'marts.daily',
    freshnessMaxMs: 60_000,
    lastSuccessMs: Date.parse('2026-03-01T00:00:00Z'),
  };
  try {
    assert.equal(await applyFreshness(store, o, { ...a, nowMs: a.lastSuccessMs + 30_000 }), 'fresh');
    assert.equal(await applyFreshness(store, o, { ...a, nowMs: a.lastSuccessMs + 90_000 }), 'late');
    assert.equal(await applyFreshness(store, o, { ...a, nowMs: a.lastSuccessMs + 120_000 }), 'late');
    const open = await store.query<{ rule: string; metric: string; status: string }>(
      'SELECT rule, metric, status FROM serving.alerts',
    );
    assert.deepEqual(
      open.map((r) => [r.rule, r.metric, r.status]),
      [['pipeline_late', 'job:marts.daily', 'open']],
    );
    const later = a.lastSuccessMs + 200_000;
    assert.equal(
      await applyFreshness(store, o, { ...a, lastSuccessMs: later, nowMs: later + 1_000 }),
      'fresh',
    );
    const after = await store.query<{ status: string }>('SELECT status FROM serving.alerts');
    assert.deepEqual(
      after.map((r) => r.status),
      ['resolved'],
    );
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
});
