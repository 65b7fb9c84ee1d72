import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { duckdbCheckpoints } from '../duckdb/duckdb-checkpoints.js';
import { LocalLakeStorage } from '../storage/local-storage.js';
import { DeltaTable } from './delta-table.js';
import { addFile, oneColumnMetaData, PROTOCOL_1_2, removeFile } from './testing/delta-test-actions.js';

const METADATA = oneColumnMetaData('tombstones');
const HOUR = 3_600_000;
const add = addFile;
const remove = removeFile;

describe('Delta tombstones expire at checkpoints', () => {
  let dir: string;
  let instance: DuckDBInstance;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shopstream-tombstones-'));
    instance = await DuckDBInstance.create(':memory:');
  });
  after(async () => {
    instance.closeSync();
    await rm(dir, { recursive: true, force: true });
  });

  it('a checkpoint drops tombstones older than the retention, in memory and in the file; younger ones stay', async () => {
    let now = Date.parse('2026-12-01T00:00:00Z');
    const storage = new LocalLakeStorage(dir, { fsync: false });
    const options = {
      checkpoints: duckdbCheckpoints(() => instance.connect()),
      checkpointInterval: 4,
      tombstoneRetentionMs: 24 * HOUR,
      nowMs: () => now,
    };
    const table = new DeltaTable(storage, 't', options);
    await table.create(METADATA, PROTOCOL_1_2);
    await table.commit({ actions: [add('a'), add('b'), add('c')], operation: 'WRITE' }); // v1
    await table.commit({ actions: [remove('a', now), add('ab')], operation: 'OPTIMIZE' }); // v2
    now += 30 * HOUR;
    await table.commit({ actions: [remove('b', now), add('b2')], operation: 'OPTIMIZE' }); // v3
    assert.deepEqual([...(await table.require()).tombstones.keys()].sort(), ['a', 'b']);
    now += HOUR;
    await table.commit({ actions: [add('d')], operation: 'WRITE' }); // v4: checkpoint
    const latest = await table.require();
    assert.equal(latest.version, 4);
    // `a` was removed 31 h ago (past the 24 h retention), `b` 1 h ago.
    assert.deepEqual([...latest.tombstones.keys()], ['b']);
    assert.deepEqual([...latest.files.keys()].sort(), ['ab', 'b2', 'c', 'd']);
    // A reader that opens the table from the checkpoint sees the same state.
    const fresh = await new DeltaTable(storage, 't', options).require();
    assert.equal(fresh.version, 4);
    assert.deepEqual([...fresh.tombstones.keys()], ['b']);
    assert.deepEqual([...fresh.files.keys()].sort(), ['ab', 'b2', 'c', 'd']);
    // The next commits build on the pruned state: the expired tombstone does not come back.
    await table.commit({ actions: [add('e')], operation: 'WRITE' });
    assert.deepEqual([...(await table.require()).tombstones.keys()], ['b']);
    // Time travel before the checkpoint still replays the JSON commits, tombstones and all.
    assert.deepEqual([...(await table.at(3)).tombstones.keys()].sort(), ['a', 'b']);
  });
});
