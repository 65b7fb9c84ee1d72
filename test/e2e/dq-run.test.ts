/**
 * `shopstream dq run` on clean simulated data scores 100; each injected problem is reported and
 * lowers the score: duplicated Silver events (a Silver file committed twice), negative revenue and a
 * revenue-without-purchase hour in the serving counters, and a quarantine share above 1 %.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { lakeFileName, openLake } from '../../src/lake/index.js';
import { openPgliteStore } from '../../src/store/pglite/pglite-store.js';
import { runCliOk, tempDataDir } from '../helpers/cli.js';

interface Run {
  score: number;
  checks: { name: string; passed: boolean }[];
}

/**
 * Commits a copy of a Silver file as a second file of the table (a lake file name no other file
 * covers): a writer that appended the same rows twice.
 */
async function duplicateSilverFile(lakeDir: string): Promise<void> {
  const lake = await openLake({ dir: lakeDir, fsync: false });
  try {
    const silver = lake.tables.silver;
    const snap = await silver.require();
    const [add] = snap.files.values();
    assert.ok(add);
    const name = lakeFileName({ topic: '', partition: 0, fromOffset: 9e12, toOffset: 9e12 });
    const path = `${add.path.slice(0, add.path.lastIndexOf('/') + 1)}${name}`;
    await copyFile(join(lakeDir, silver.dataKey(add.path)), join(lakeDir, silver.dataKey(path)));
    await silver.commit({ actions: [{ add: { ...add, path } }], operation: 'WRITE' });
  } finally {
    await lake.close();
  }
}

describe('shopstream dq run', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  const dq = async () => JSON.parse(await runCliOk(['dq', 'run', '--json'], { dataDir: tmp.dir })) as Run;
  const failed = (r: Run) =>
    r.checks
      .filter((c) => !c.passed)
      .map((c) => c.name)
      .sort();

  before(async () => {
    tmp = await tempDataDir('dq');
    await runCliOk(
      [
        'generate',
        '--count',
        '20000',
        '--invalid-pct',
        '0',
        '--duplicate-pct',
        '0',
        '--late-pct',
        '0',
        '--to',
        'log',
      ],
      { dataDir: tmp.dir },
    );
    await runCliOk(['process', '--once'], { dataDir: tmp.dir });
  });
  after(() => tmp.cleanup());

  it('scores clean simulated data 100', async () => {
    const run = await dq();
    assert.deepEqual(failed(run), []);
    assert.equal(run.score, 100);
  });

  it('reports each injected problem and lowers the score', async () => {
    await duplicateSilverFile(join(tmp.dir, 'lake'));
    const store = await openPgliteStore({ dataDir: join(tmp.dir, 'serving') });
    try {
      await store.query(
        `INSERT INTO serving.kpi_counts (window_start, counter, value) VALUES ('2020-01-01T00:00:00Z', 'revenue', -5)`,
      );
      await store.query(`UPDATE serving.partition_accounting SET quarantine_rows = silver_rows / 10`);
      await store.query(
        `INSERT INTO serving.quarantine_reasons (topic, partition, reason, count) VALUES ('ecom.events.raw.v1', 0, 'missing_user_id', 1)`,
      );
    } finally {
      await store.close();
    }
    const run = await dq();
    const names = failed(run);
    for (const expected of [
      'uniqueness.event_id',
      'validity.quarantine_share',
      'consistency.minute.revenue_non_negative',
      'consistency.minute.no_purchase_no_revenue',
      'consistency.day.revenue_non_negative',
    ]) {
      assert.ok(names.includes(expected), `${expected} not reported: ${names.join(', ')}`);
    }
    assert.ok(run.score < 100);
    const store2 = await openPgliteStore({ dataDir: join(tmp.dir, 'serving') });
    try {
      const rows = await store2.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM serving.data_quality_runs`,
      );
      assert.equal(rows[0]!.n, 2);
    } finally {
      await store2.close();
    }
  });
});
