import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { duckdbCheckpoints } from '../duckdb/duckdb-checkpoints.js';
import { LocalLakeStorage } from '../storage/local-storage.js';
import { LAST_CHECKPOINT_KEY } from './delta-actions.js';
import { DeltaTable } from './delta-table.js';
import { addFile, oneColumnMetaData, PROTOCOL_1_2 } from './testing/delta-test-actions.js';
import { pinVersion, truncateLog, unpinVersion } from './vacuum.js';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-11-01T00:00:00Z');

const notFound = (earliest: number) => (err: unknown) => {
  const e = err as { code?: string; details?: { earliest?: number } };
  assert.equal(e.code, 'SHOP_LAKE_VERSION_NOT_FOUND');
  assert.equal(e.details?.earliest, earliest);
  return true;
};

describe('Delta log cleanup (logRetentionDuration)', () => {
  let dir: string;
  let instance: DuckDBInstance;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shopstream-log-cleanup-'));
    instance = await DuckDBInstance.create(':memory:');
  });
  after(async () => {
    instance.closeSync();
    await rm(dir, { recursive: true, force: true });
  });

  /** Versions 0..9, one every 10 hours (v = 10v h after T0), a checkpoint at 3, 6 and 9; file f<v> added by v. */
  async function tenVersions(name: string) {
    let now = T0;
    const storage = new LocalLakeStorage(join(dir, name), { fsync: false });
    const options = {
      checkpoints: duckdbCheckpoints(() => instance.connect()),
      checkpointInterval: 3,
      nowMs: () => now,
    };
    const table = new DeltaTable(storage, 't', options);
    await table.create(oneColumnMetaData(name), PROTOCOL_1_2);
    for (let v = 1; v <= 9; v++) {
      now = T0 + v * 10 * HOUR;
      await table.commit({ actions: [addFile(`f${v}`)], operation: 'WRITE' });
    }
    const log = () => readdir(join(dir, name, 't', '_delta_log'));
    return { storage, options, table, log, nowMs: now };
  }

  it('deletes the commits before the newest checkpoint older than the retention; later versions still read', async () => {
    const { storage, options, table, log, nowMs } = await tenVersions('basic');
    // Cutoff 90 - 40 = 50 h: checkpoint 3 (30 h) is the newest older than it, 6 (60 h) is not.
    const dry = await truncateLog(table, 't', { retainHours: 40, nowMs, dryRun: true });
    assert.deepEqual(dry, { table: 't', earliestVersion: 3, logFilesDeleted: 3 });
    assert.equal((await log()).filter((f) => f.endsWith('.json')).length, 10, 'a dry run deletes nothing');

    assert.deepEqual(await truncateLog(table, 't', { retainHours: 40, nowMs }), {
      table: 't',
      earliestVersion: 3,
      logFilesDeleted: 3,
    });
    const left = await log();
    assert.ok(!left.includes('00000000000000000002.json') && left.includes('00000000000000000003.json'));
    assert.equal(await table.earliestVersion(), 3);
    // The kept versions: from checkpoint 3 and the commits after it.
    assert.deepEqual([...(await table.at(3)).files.keys()].sort(), ['f1', 'f2', 'f3']);
    assert.deepEqual([...(await table.at(5)).files.keys()].sort(), ['f1', 'f2', 'f3', 'f4', 'f5']);
    await assert.rejects(table.at(2), notFound(3));
    await assert.rejects(table.at(0), notFound(3));
    // As of time: a moment in version 4's span, and one before the oldest kept commit.
    assert.equal(await table.versionAsOf(T0 + 45 * HOUR), 4);
    assert.equal(await table.versionAsOf(T0 + 30 * HOUR), 3);
    await assert.rejects(table.versionAsOf(T0 + 25 * HOUR), notFound(3));
    assert.deepEqual(
      (await table.history(100)).map((c) => c.version),
      [9, 8, 7, 6, 5, 4, 3],
    );
    // A new reader opens the latest version; so does one without _last_checkpoint (it lists the log).
    const fresh = await new DeltaTable(storage, 't', options).require();
    assert.equal(fresh.version, 9);
    assert.equal(fresh.files.size, 9);
    await storage.delete([`t/${LAST_CHECKPOINT_KEY}`]);
    const listed = new DeltaTable(storage, 't', options);
    assert.equal((await listed.require()).version, 9);
    assert.equal(await listed.earliestVersion(), 3);
    // Commits go on; a second pass with nothing new to delete is a no-op.
    assert.equal(await table.commit({ actions: [addFile('f10')], operation: 'WRITE' }), 10);
    assert.deepEqual(await truncateLog(table, 't', { retainHours: 40, nowMs }), {
      table: 't',
      earliestVersion: 3,
      logFilesDeleted: 0,
    });
  });

  it('keeps what a pinned reader reads, and nothing without a checkpoint old enough', async () => {
    const { storage, table, log, nowMs } = await tenVersions('pinned');
    assert.deepEqual(await truncateLog(table, 't', { retainHours: 1_000, nowMs }), {
      table: 't',
      earliestVersion: 0,
      logFilesDeleted: 0,
    });
    // Cutoff 70 h would keep from checkpoint 6; a reader pins version 5, so from checkpoint 3.
    await pinVersion(storage, { id: 'replay-1', table: 't', version: 5, expiresMs: nowMs + HOUR });
    await pinVersion(storage, { id: 'other', table: 'u', version: 1, expiresMs: nowMs + HOUR });
    assert.equal((await truncateLog(table, 't', { retainHours: 20, nowMs })).earliestVersion, 3);
    assert.deepEqual([...(await table.at(5)).files.keys()].length, 5);
    await unpinVersion(storage, 'replay-1');
    // Commits 3, 4, 5 and checkpoint 3 go.
    assert.deepEqual(await truncateLog(table, 't', { retainHours: 20, nowMs }), {
      table: 't',
      earliestVersion: 6,
      logFilesDeleted: 4,
    });
    assert.deepEqual(
      (await log()).filter((f) => f.endsWith('.parquet')),
      ['00000000000000000006.checkpoint.parquet', '00000000000000000009.checkpoint.parquet'],
    );
    await assert.rejects(table.at(5), notFound(6));
    assert.equal((await table.at(7)).files.size, 7);
    await assert.rejects(truncateLog(table, 't', { retainHours: 0, nowMs }), /at least 1 hour/);
  });
});
