import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config/index.js';
import { openLake } from '../../lake/index.js';
import { openPgliteStore } from '../../store/pglite/pglite-store.js';
import { runQualityOnSchedule } from './quality-scheduler.js';

test('the scheduled suite stores a run per interval and stops when aborted', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'shopstream-dq-schedule-'));
  const store = await openPgliteStore({ dataDir: join(dir, 'serving') });
  await store.migrate();
  const lake = await openLake({ dir: join(dir, 'lake'), fsync: false });
  try {
    const abort = new AbortController();
    const errors: unknown[] = [];
    const running = runQualityOnSchedule({ lake, store, options: loadConfig().dq }, 200, abort.signal, (e) =>
      errors.push(e),
    );
    let runs = 0;
    for (let i = 0; i < 100 && runs < 2; i++) {
      await new Promise((r) => setTimeout(r, 100));
      runs = Number(
        (await store.query<{ n: number }>('SELECT count(*)::int AS n FROM serving.data_quality_runs'))[0]!.n,
      );
    }
    abort.abort();
    await running;
    assert.deepEqual(errors, []);
    assert.ok(runs >= 2, `${runs} scheduled runs stored`);
  } finally {
    await lake.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
});
