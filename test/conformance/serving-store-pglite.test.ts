import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isShopError } from '../../src/errors/index.js';
import { openPgliteStore } from '../../src/store/index.js';
import { tempPgliteStore } from './serving-store-fixtures.js';
import { servingStoreConformance } from './serving-store-suite.js';

servingStoreConformance('pglite', tempPgliteStore);

test('pglite: a live lock rejects a second opener; close releases it; data persists', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'shopstream-pglite-'));
  try {
    const first = await openPgliteStore({ dataDir });
    await first.migrate();
    await first.query(`INSERT INTO serving.kpi_counts VALUES ('2026-01-24T13:00:00Z', 'events_total', 3)`);
    assert.equal((await readFile(join(dataDir, 'shopstream.lock'), 'utf8')).trim(), String(process.pid));
    await assert.rejects(
      openPgliteStore({ dataDir }),
      (err) => isShopError(err, 'SHOP_STORE_LOCKED') && err.details['pid'] === process.pid,
    );
    await first.close();
    await first.close();
    const second = await openPgliteStore({ dataDir });
    const rows = await second.query('SELECT value FROM serving.kpi_counts');
    await second.close();
    assert.deepStrictEqual(rows, [{ value: 3 }]);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('pglite: a lock left by a dead process is taken over', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'shopstream-pglite-'));
  try {
    const deadPid = spawnSync(process.execPath, ['-e', '0']).pid;
    assert.ok(deadPid !== undefined);
    await writeFile(join(dataDir, 'shopstream.lock'), `${deadPid}\n`);
    const store = await openPgliteStore({ dataDir });
    assert.equal((await readFile(join(dataDir, 'shopstream.lock'), 'utf8')).trim(), String(process.pid));
    await store.close();
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
