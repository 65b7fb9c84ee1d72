import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  checkpointKey,
  type AddAction,
  type MetaDataAction,
  type RemoveAction,
  type TableState,
  type TxnAction,
} from './delta-actions.js';
import { readCheckpoint, writeCheckpoint } from './delta-checkpoint.js';
import { readWithDeltaRs, requireDeltaRs } from './testing/delta-rs-reader.js';
import { buildHandBuiltTable, type HandBuiltTable } from './testing/hand-built-delta-table.js';

const TRICKY = `it's "quoted" \\ back\nnew line\ttab é ü 日本 🚀 ' OR 1=1; --`;

const trickyMetaData: MetaDataAction = {
  id: '9c3b6a0e-6d5f-4b52-9a6e-0c1f3f1d2e4a',
  name: TRICKY,
  description: `line 1\nline 2 ${TRICKY}`,
  format: { provider: 'parquet', options: {} },
  schemaString: JSON.stringify({
    type: 'struct',
    fields: [{ name: 'a"b', type: 'string', nullable: true, metadata: {} }],
  }),
  partitionColumns: ['day', 'hour'],
  configuration: { 'delta.appendOnly': 'false', [TRICKY]: TRICKY },
  createdTime: 1_767_225_600_000,
};

function trickyState(fileCount: number): TableState {
  const files = new Map<string, AddAction>();
  for (let i = 0; i < fileCount; i++) {
    const path =
      i === 0
        ? `day=2026-01-01/hour=10/it%27s%20%22${i}%22.parquet`
        : `day=2026-01-01/hour=${i % 24}/p-${i}.parquet`;
    const stats = JSON.stringify({
      numRecords: i,
      minValues: { name: TRICKY, ts: '2026-01-01T10:00:00.000Z' },
      nullCount: { name: 0 },
    });
    files.set(path, {
      path,
      partitionValues: i % 3 === 0 ? { day: null, hour: null } : { day: '2026-01-01', hour: String(i % 24) },
      size: 1_000_000_000_000 + i,
      modificationTime: 1_767_225_600_000 + i,
      dataChange: i % 2 === 0,
      ...(i % 5 === 0 ? {} : { stats: i === 1 ? `${stats}\n` : stats }),
      ...(i % 4 === 0 ? { tags: i % 8 === 0 ? {} : { [TRICKY]: TRICKY } } : {}),
    });
  }
  const tombstones = new Map<string, RemoveAction>([
    ['gone/a.parquet', { path: 'gone/a.parquet', deletionTimestamp: 1_767_225_600_001, dataChange: true }],
    [
      `gone/${TRICKY}`,
      {
        path: `gone/${TRICKY}`,
        deletionTimestamp: 2,
        dataChange: false,
        extendedFileMetadata: true,
        partitionValues: {},
        size: 10,
      },
    ],
  ]);
  const txns = new Map<string, TxnAction>([
    ['shopstream-silver', { appId: 'shopstream-silver', version: 41, lastUpdated: 1_767_225_600_002 }],
    [TRICKY, { appId: TRICKY, version: 0 }],
  ]);
  return {
    version: 7,
    protocol: { minReaderVersion: 1, minWriterVersion: 2 },
    metaData: trickyMetaData,
    files,
    tombstones,
    txns,
  };
}

describe('delta checkpoint', () => {
  let instance: DuckDBInstance;
  let connection: DuckDBConnection;
  let dir: string;
  before(async () => {
    instance = await DuckDBInstance.create(':memory:');
    connection = await instance.connect();
    dir = await mkdtemp(join(tmpdir(), 'shopstream-checkpoint-'));
  });
  after(async () => {
    connection.closeSync();
    instance.closeSync();
    await rm(dir, { recursive: true, force: true });
  });

  it('reads back the state it wrote: tricky strings, null partition values, empty maps, many files', async () => {
    const state = trickyState(5_000);
    const path = join(dir, 'round-trip', checkpointKey(state.version));
    await mkdir(join(dir, 'round-trip', '_delta_log'), { recursive: true });
    const size = await writeCheckpoint(connection, state, path);
    assert.equal(size, 2 + 5_000 + 2 + 2);
    const { version: _version, ...expected } = state;
    assert.deepStrictEqual(await readCheckpoint(connection, path), expected);
    assert.deepStrictEqual(await readdir(join(dir, 'round-trip', '_delta_log')), [
      '00000000000000000007.checkpoint.parquet',
    ]);
  });

  it('has the protocol column layout: struct columns, maps, list', async () => {
    const path = join(dir, 'layout.checkpoint.parquet');
    await writeCheckpoint(connection, trickyState(3), path);
    const reader = await connection.runAndReadAll(
      'SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet($1))',
      [path],
    );
    const types = Object.fromEntries(
      reader.getRowObjectsJson().map((r) => [String(r['column_name']), String(r['column_type'])]),
    );
    assert.deepStrictEqual(Object.keys(types), ['txn', 'add', 'remove', 'metaData', 'protocol']);
    assert.match(types['add'] ?? '', /partitionValues MAP\(VARCHAR, VARCHAR\)/);
    assert.match(
      types['metaData'] ?? '',
      /format STRUCT\(provider VARCHAR, "options" MAP\(VARCHAR, VARCHAR\)\)/,
    );
    assert.match(types['metaData'] ?? '', /partitionColumns VARCHAR\[\]/);
    assert.equal(types['protocol'], 'STRUCT(minReaderVersion INTEGER, minWriterVersion INTEGER)');
  });
});

describe('delta checkpoint read by delta-rs (PyPI deltalake)', () => {
  let instance: DuckDBInstance;
  let connection: DuckDBConnection;
  let dir: string;
  before(async () => {
    instance = await DuckDBInstance.create(':memory:');
    connection = await instance.connect();
    dir = await mkdtemp(join(tmpdir(), 'shopstream-delta-rs-'));
  });
  after(async () => {
    connection.closeSync();
    instance.closeSync();
    await rm(dir, { recursive: true, force: true });
  });

  const read = (table: HandBuiltTable, version?: number) =>
    readWithDeltaRs(table.dir, {
      ...(version === undefined ? {} : { version }),
      sums: ['qty'],
      distinct: ['id'],
      mins: ['ts'],
      maxes: ['ts'],
      txns: [table.txnAppId, 'nobody'],
    });

  it('opens a table from our checkpoint alone (commits 0 and 1 deleted), latest and version 2', async (t) => {
    if (!(await requireDeltaRs(t))) return;
    const table = await buildHandBuiltTable(connection, join(dir, 'from-checkpoint'));
    assert.deepStrictEqual(await readdir(join(table.dir, '_delta_log')), [
      '00000000000000000002.checkpoint.parquet',
      '00000000000000000002.json',
      '_last_checkpoint',
    ]);
    for (const version of [undefined, 2]) {
      const seen = await read(table, version);
      assert.equal(seen.version, 2);
      assert.equal(seen.rows, table.rows);
      assert.equal(seen.statsRows, table.rows, 'delta-rs parses our stats JSON');
      assert.equal(seen.files, 2);
      assert.deepStrictEqual(seen.sums, { qty: table.qtySum });
      assert.deepStrictEqual(seen.distinct, { id: table.rows });
      assert.deepStrictEqual(seen.partitionColumns, ['day', 'hour']);
      assert.deepStrictEqual(seen.txns, { [table.txnAppId]: table.txnVersion, nobody: null });
      assert.deepStrictEqual(seen.schema, {
        id: 'long',
        qty: 'integer',
        price: 'double',
        name: 'string',
        ts: 'timestamp',
        payload: 'binary',
        labels: '{"type":"array","elementType":"string","containsNull":true}',
        day: 'date',
        hour: 'integer',
      });
    }
    await assert.rejects(read(table, 1), /delta-rs cannot read/);
  });

  it('reads DuckDB TIMESTAMP (no time zone) declared Delta timestamp as UTC, like TIMESTAMPTZ', async (t) => {
    if (!(await requireDeltaRs(t))) return;
    const naive = await read(await buildHandBuiltTable(connection, join(dir, 'ts-naive')));
    const zoned = await read(
      await buildHandBuiltTable(connection, join(dir, 'ts-zoned'), { timestampType: 'TIMESTAMPTZ' }),
    );
    // File 2 starts at 2026-01-01 11:00:00 (wall clock written by DuckDB), file 3 ends at 2026-01-02 10:00:24.
    assert.equal(Date.parse(String(naive.mins['ts'])), Date.parse('2026-01-01T11:00:00Z'));
    assert.equal(Date.parse(String(naive.maxes['ts'])), Date.parse('2026-01-02T10:00:24Z'));
    assert.deepStrictEqual(naive, zoned);
  });

  it('needs no add.stats to read the rows', async (t) => {
    if (!(await requireDeltaRs(t))) return;
    const table = await buildHandBuiltTable(connection, join(dir, 'no-stats'), { stats: false });
    const seen = await read(table);
    assert.equal(seen.rows, table.rows);
    assert.equal(seen.statsRows, null);
    assert.deepStrictEqual(seen.sums, { qty: table.qtySum });
  });

  it('reads the same table from its JSON commits (no checkpoint)', async (t) => {
    if (!(await requireDeltaRs(t))) return;
    const fromCheckpoint = await read(await buildHandBuiltTable(connection, join(dir, 'cp')));
    const fromCommits = await read(
      await buildHandBuiltTable(connection, join(dir, 'commits'), { checkpoint: false }),
    );
    assert.deepStrictEqual(fromCommits, fromCheckpoint);
  });
});
