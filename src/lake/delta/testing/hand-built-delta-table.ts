import type { DuckDBConnection } from '@duckdb/node-api';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { quoteLiteral } from '../../table-columns.js';
import {
  LAST_CHECKPOINT_KEY,
  checkpointKey,
  commitKey,
  type AddAction,
  type DeltaAction,
  type FileStats,
  type MetaDataAction,
  type RemoveAction,
  type TableState,
} from '../delta-actions.js';
import { writeCheckpoint } from '../delta-checkpoint.js';

/**
 * A small Delta table written by hand, independently of DeltaTable: Parquet files from DuckDB
 * COPY under hive folders (`day=.../hour=...`, partition columns not in the files) and three
 * JSON commits: 0 protocol + metaData + add, 1 add + txn, 2 remove of the first file + add.
 * Optionally a checkpoint at version 2 (`writeCheckpoint`) with `_last_checkpoint`, after which
 * commits 0 and 1 are deleted, so a reader can only get the table from the checkpoint.
 */
export interface HandBuiltTableOptions {
  /** DuckDB type of the `ts` column in the data files, declared Delta `timestamp` (default TIMESTAMP). */
  readonly timestampType?: 'TIMESTAMP' | 'TIMESTAMPTZ';
  /** Write `add.stats` (default true). */
  readonly stats?: boolean;
  /** Checkpoint at version 2 and delete commits 0 and 1 (default true). */
  readonly checkpoint?: boolean;
}

export interface HandBuiltTable {
  readonly dir: string;
  /** The state at version 2. */
  readonly state: TableState;
  /** Rows of the live files (version 2). */
  readonly rows: number;
  /** sum(qty) over the live files, computed by DuckDB from the files. */
  readonly qtySum: number;
  readonly txnAppId: string;
  readonly txnVersion: number;
}

const T0_MS = Date.parse('2026-01-01T10:00:00.000Z');
const TXN_APP_ID = 'shopstream-silver';

/** A realistic Spark StructType: the file columns, then the partition columns. */
const SCHEMA_STRING = JSON.stringify({
  type: 'struct',
  fields: [
    ['id', 'long'],
    ['qty', 'integer'],
    ['price', 'double'],
    ['name', 'string'],
    ['ts', 'timestamp'],
    ['payload', 'binary'],
    ['labels', { type: 'array', elementType: 'string', containsNull: true }],
    ['day', 'date'],
    ['hour', 'integer'],
  ].map(([name, type]) => ({ name, type, nullable: true, metadata: {} })),
});

const METADATA: MetaDataAction = {
  id: '5f0a3c1e-8a47-4b8e-9f0e-2d6c1b7a9e31',
  name: 'hand_built',
  description: null,
  format: { provider: 'parquet', options: {} },
  schemaString: SCHEMA_STRING,
  partitionColumns: ['day', 'hour'],
  configuration: {},
  createdTime: T0_MS,
};

/** Delta file stats as shopstream writes them: numbers, timestamps as ISO-8601 UTC with ms. */
async function statsOf(connection: DuckDBConnection, path: string): Promise<FileStats> {
  const reader = await connection.runAndReadAll(
    `SELECT count(*)::DOUBLE AS n, min(id)::DOUBLE AS id_lo, max(id)::DOUBLE AS id_hi, min(qty) AS qty_lo,
            max(qty) AS qty_hi, min(price) AS price_lo, max(price) AS price_hi, epoch_ms(min(ts))::DOUBLE AS ts_lo,
            epoch_ms(max(ts))::DOUBLE AS ts_hi, (count(*) - count(name))::DOUBLE AS name_nulls
       FROM read_parquet($1)`,
    [path],
  );
  const r = reader.getRowObjectsJson()[0] as Record<string, number>;
  const iso = (ms: number | undefined) => new Date(Number(ms)).toISOString();
  return {
    numRecords: Number(r['n']),
    minValues: {
      id: Number(r['id_lo']),
      qty: Number(r['qty_lo']),
      price: Number(r['price_lo']),
      ts: iso(r['ts_lo']),
    },
    maxValues: {
      id: Number(r['id_hi']),
      qty: Number(r['qty_hi']),
      price: Number(r['price_hi']),
      ts: iso(r['ts_hi']),
    },
    nullCount: { id: 0, qty: 0, price: 0, name: Number(r['name_nulls']), ts: 0 },
  };
}

interface DataFile {
  readonly day: string;
  readonly hour: number;
  readonly firstId: number;
  readonly rows: number;
}

async function writeDataFile(
  connection: DuckDBConnection,
  dir: string,
  file: DataFile,
  options: HandBuiltTableOptions,
): Promise<AddAction> {
  const relDir = `day=${file.day}/hour=${file.hour}`;
  const path = `${relDir}/part-${file.firstId}.parquet`;
  await mkdir(join(dir, relDir), { recursive: true });
  const start = `${file.day} ${String(file.hour).padStart(2, '0')}:00:00`;
  // The naive time read as UTC, so both types hold the same instants.
  const ts = options.timestampType === 'TIMESTAMPTZ' ? "timezone('UTC', naive_ts)" : 'naive_ts';
  await connection.run(
    `COPY (SELECT ($1 + range)::BIGINT AS id, (range % 7)::INTEGER AS qty, range * 0.25 AS price,
                  CASE WHEN range % 10 = 0 THEN NULL ELSE 'name ' || range END AS name, ${ts} AS ts,
                  encode('bytes ' || range) AS payload, ['a', NULL, 'b' || (range % 3)] AS labels
             FROM (SELECT range, $2::TIMESTAMP + to_seconds(range) AS naive_ts FROM range($3)))
       TO ${quoteLiteral(join(dir, path))} (FORMAT parquet)`,
    [file.firstId, start, file.rows],
  );
  const stats =
    options.stats === false ? {} : { stats: JSON.stringify(await statsOf(connection, join(dir, path))) };
  return {
    path,
    partitionValues: { day: file.day, hour: String(file.hour) },
    size: (await stat(join(dir, path))).size,
    modificationTime: T0_MS,
    dataChange: true,
    ...stats,
  };
}

const commitInfo = (version: number, operation: string): DeltaAction => ({
  commitInfo: { timestamp: T0_MS + version * 1000, operation, engineInfo: 'shopstream-test' },
});

async function writeCommit(dir: string, version: number, actions: readonly DeltaAction[]): Promise<void> {
  await writeFile(join(dir, commitKey(version)), actions.map((a) => JSON.stringify(a) + '\n').join(''));
}

/** Builds the table in `dir` (which must be empty or missing). */
export async function buildHandBuiltTable(
  connection: DuckDBConnection,
  dir: string,
  options: HandBuiltTableOptions = {},
): Promise<HandBuiltTable> {
  await mkdir(join(dir, '_delta_log'), { recursive: true });
  const [first, second, third] = [
    await writeDataFile(connection, dir, { day: '2026-01-01', hour: 10, firstId: 0, rows: 100 }, options),
    await writeDataFile(connection, dir, { day: '2026-01-01', hour: 11, firstId: 1000, rows: 50 }, options),
    await writeDataFile(connection, dir, { day: '2026-01-02', hour: 10, firstId: 2000, rows: 25 }, options),
  ];
  const protocol = { minReaderVersion: 1, minWriterVersion: 2 };
  const txn = { appId: TXN_APP_ID, version: 3, lastUpdated: T0_MS + 1000 };
  const remove: RemoveAction = {
    path: first.path,
    deletionTimestamp: T0_MS + 2000,
    dataChange: true,
    extendedFileMetadata: true,
    partitionValues: first.partitionValues,
    size: first.size,
  };
  await writeCommit(dir, 0, [
    commitInfo(0, 'CREATE TABLE'),
    { protocol },
    { metaData: METADATA },
    { add: first },
  ]);
  await writeCommit(dir, 1, [commitInfo(1, 'WRITE'), { add: second }, { txn }]);
  await writeCommit(dir, 2, [commitInfo(2, 'OPTIMIZE'), { remove }, { add: third }]);
  const state: TableState = {
    version: 2,
    protocol,
    metaData: METADATA,
    files: new Map([second, third].map((a) => [a.path, a])),
    tombstones: new Map([[remove.path, remove]]),
    txns: new Map([[txn.appId, txn]]),
  };
  if (options.checkpoint !== false) {
    const size = await writeCheckpoint(connection, state, join(dir, checkpointKey(2)));
    await writeFile(join(dir, LAST_CHECKPOINT_KEY), JSON.stringify({ version: 2, size }));
    await rm(join(dir, commitKey(0)));
    await rm(join(dir, commitKey(1)));
  }
  const live = [second, third].map((a) => quoteLiteral(join(dir, a.path))).join(', ');
  const sums = await connection.runAndReadAll(
    `SELECT count(*)::DOUBLE AS n, sum(qty)::DOUBLE AS qty FROM read_parquet([${live}])`,
  );
  const row = sums.getRowObjectsJson()[0] ?? {};
  return {
    dir,
    state,
    rows: Number(row['n']),
    qtySum: Number(row['qty']),
    txnAppId: TXN_APP_ID,
    txnVersion: txn.version,
  };
}
