import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { KPI_METRICS } from '../../src/contract/kpi-metrics.js';
import { jsonLines, runCli, runCliOk, spawnCli, tempDataDir } from '../helpers/cli.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { waitFor } from './helpers/distributed-run.js';

/**
 * Backup, wipe, restore: a deployment processes simulated traffic, is backed up with `backup
 * create`, and the backup is restored into an empty deployment (fresh data folder; for PostgreSQL
 * also a fresh database). The restored API must answer /kpis for every metric, and the lake-backed
 * /api/v1/uniques, exactly as the original did. Embedded (PGlite) and PostgreSQL.
 */
const START = '2026-01-24T12:00:00.000Z';
const RANGE = 'from=2026-01-24T11:00:00.000Z&to=2026-01-24T13:00:00.000Z';

async function servedAnswers(dataDir: string, env: Record<string, string>): Promise<Record<string, unknown>> {
  const child = spawnCli(['run', '--role', 'api'], { dataDir, env: { ...env, SHOPSTREAM_API_PORT: '0' } });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const closed = new Promise((resolve) => child.once('close', resolve));
  try {
    await waitFor('api listening', () => /listening on \S+/.test(stdout) || child.exitCode !== null, 60_000);
    const address = /listening on (\S+)/.exec(stdout)?.[1];
    assert.ok(address, `api did not start: ${stderr}`);
    const out: Record<string, unknown> = {};
    for (const metric of KPI_METRICS) {
      const res = await fetch(`${address}/kpis?metric=${metric}&${RANGE}&limit=5000`);
      assert.equal(res.status, 200);
      out[metric] = await res.json();
    }
    out['uniques'] = await (await fetch(`${address}/api/v1/uniques?${RANGE}`)).json();
    return out;
  } finally {
    child.kill('SIGTERM');
    await closed;
  }
}

async function backupWipeRestore(
  source: Record<string, string>,
  target: Record<string, string>,
): Promise<void> {
  const original = await tempDataDir('backup-src');
  const restored = await tempDataDir('backup-dst');
  const backup = await tempDataDir('backup-dir');
  try {
    const gen = ['generate', '--count', '8000', '--start-time', START, '--mode', 'batch', '--to', 'log'];
    await runCliOk(gen, { dataDir: original.dir, env: source });
    await runCliOk(['process', '--once'], { dataDir: original.dir, env: source });
    const before = await servedAnswers(original.dir, source);
    const points = (before['events_total'] as { points: Array<{ value: number }> }).points;
    assert.ok(points.length > 0 && points.reduce((s, p) => s + p.value, 0) > 6_000, 'the original has KPIs');

    await runCliOk(['backup', 'create', '--to', backup.dir], { dataDir: original.dir, env: source });
    const again = await runCli(['backup', 'create', '--to', backup.dir], {
      dataDir: original.dir,
      env: source,
    });
    assert.equal(again.code, 2, 'a backup never overwrites a folder');
    await original.cleanup();

    await runCliOk(['backup', 'restore', '--from', backup.dir], { dataDir: restored.dir, env: target });
    assert.deepEqual(await servedAnswers(restored.dir, target), before);
    const twice = await runCli(['backup', 'restore', '--from', backup.dir], {
      dataDir: restored.dir,
      env: target,
    });
    assert.notEqual(twice.code, 0, 'restore refuses a deployment that is not empty');
    const audit = jsonLines<{ action: string; outcome: string }>(
      await runCliOk(['audit', 'list', '--json'], { dataDir: restored.dir, env: target }),
    );
    assert.deepEqual(
      audit.map((e) => `${e.action} ${e.outcome}`),
      ['backup.restore ok'],
    );
  } finally {
    await Promise.all([original.cleanup(), restored.cleanup(), backup.cleanup()]);
  }
}

describe('backup create | restore', () => {
  test('embedded (PGlite copy + lake files): the restored deployment serves identical /kpis and uniques', async () => {
    await backupWipeRestore({}, {});
  });

  test('PostgreSQL (pg_dump/pg_restore + lake files): identical /kpis and uniques in a fresh database', async () => {
    const from = await createTestDatabase();
    const to = await createTestDatabase();
    try {
      await backupWipeRestore({ SHOPSTREAM_STORE_URL: from.url }, { SHOPSTREAM_STORE_URL: to.url });
    } finally {
      await Promise.all([from.drop(), to.drop()]);
    }
  });
});
