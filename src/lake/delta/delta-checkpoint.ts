import type { DuckDBConnection } from '@duckdb/node-api';
import { open } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ShopError } from '../../errors/index.js';
import { publishFile, removeQuietly } from '../duckdb/durable-files.js';
import { quoteLiteral } from '../table-columns.js';
import type { TableState } from './delta-actions.js';
import { checkpointRowsOf, stateOfCheckpointRows } from './delta-checkpoint-rows.js';

/**
 * The columns of a single-part V1 checkpoint (PROTOCOL.md, "Checkpoint Schema"): one row per
 * action, exactly one of the struct columns set. Nullable `readerFeatures`/`writerFeatures` are
 * left out (allowed for reader 1 / writer 2), as are `stats_parsed` and `partitionValues_parsed`.
 */
const STRING_MAP = 'MAP(VARCHAR, VARCHAR)';
const CHECKPOINT_COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ['txn', 'STRUCT(appId VARCHAR, version BIGINT, lastUpdated BIGINT)'],
  [
    'add',
    `STRUCT(path VARCHAR, partitionValues ${STRING_MAP}, size BIGINT, modificationTime BIGINT, ` +
      `dataChange BOOLEAN, stats VARCHAR, tags ${STRING_MAP})`,
  ],
  [
    'remove',
    'STRUCT(path VARCHAR, deletionTimestamp BIGINT, dataChange BOOLEAN, extendedFileMetadata BOOLEAN, ' +
      `partitionValues ${STRING_MAP}, size BIGINT)`,
  ],
  [
    'metaData',
    `STRUCT(id VARCHAR, name VARCHAR, description VARCHAR, format STRUCT(provider VARCHAR, options ${STRING_MAP}), ` +
      `schemaString VARCHAR, partitionColumns VARCHAR[], createdTime BIGINT, configuration ${STRING_MAP})`,
  ],
  ['protocol', 'STRUCT(minReaderVersion INTEGER, minWriterVersion INTEGER)'],
];

const columnsArgument = `{${CHECKPOINT_COLUMNS.map(([name, type]) => `${quoteLiteral(name)}: ${quoteLiteral(type)}`).join(', ')}}`;
const selectList = CHECKPOINT_COLUMNS.map(([name]) => `"${name}"`).join(', ');
/** Larger than any one action can be (a schemaString of thousands of columns, long stats). */
/** Largest action line (DuckDB sizes its read buffer from it: keep it far below the writer memory limit). */
const MAX_ACTION_BYTES = 8 * 1024 * 1024;
const STAGE_LINES_PER_WRITE = 4_096;
let tempSequence = 0;

/** Writes the NDJSON lines to `path` in bounded chunks (a million files need no giant string). */
async function writeLines(path: string, lines: readonly string[]): Promise<void> {
  const handle = await open(path, 'w');
  try {
    for (let i = 0; i < lines.length; i += STAGE_LINES_PER_WRITE) {
      await handle.write(lines.slice(i, i + STAGE_LINES_PER_WRITE).join('\n') + '\n');
    }
  } finally {
    await handle.close();
  }
}

/**
 * Writes `state` as a single-part V1 checkpoint Parquet file at `localPath` and returns the
 * number of actions in it (`_last_checkpoint.size`). Steps: 1. the actions are staged as NDJSON
 * (values never enter SQL text); 2. DuckDB reads them with the checkpoint's explicit schema and
 * COPYs them to a hidden temporary Parquet file beside `localPath`; 3. that file is fsynced and
 * renamed into place (its folder fsynced), so a reader sees the whole checkpoint or none.
 * The caller writes `_last_checkpoint` after this returns.
 */
export async function writeCheckpoint(
  connection: DuckDBConnection,
  state: TableState,
  localPath: string,
): Promise<number> {
  const lines = checkpointRowsOf(state).map((row) => JSON.stringify(row));
  // Hidden names: Delta readers never take `.<name>` in _delta_log for a log file.
  const stem = join(dirname(localPath), `.${basename(localPath)}.${process.pid}-${++tempSequence}`);
  const stagePath = `${stem}.ndjson`;
  const tempPath = `${stem}.tmp`;
  try {
    await writeLines(stagePath, lines);
    const copied = await connection.run(
      `COPY (SELECT ${selectList} FROM read_json($1, format = 'newline_delimited', columns = ${columnsArgument}, ` +
        `maximum_object_size = ${MAX_ACTION_BYTES})) TO ${quoteLiteral(tempPath)} (FORMAT parquet, COMPRESSION snappy)`,
      [stagePath],
    );
    if (copied.rowsChanged !== lines.length) {
      throw new Error(
        `checkpoint ${localPath}: staged ${lines.length} actions, DuckDB wrote ${copied.rowsChanged}`,
      );
    }
    await publishFile(tempPath, localPath, true);
    return lines.length;
  } catch (err) {
    await removeQuietly(tempPath);
    throw err;
  } finally {
    await removeQuietly(stagePath);
  }
}

/**
 * Reads a single-part checkpoint Parquet file (written by shopstream, Spark or delta-rs): the
 * protocol, metaData, live files, tombstones and txns. Columns other than the five actions (e.g.
 * `domainMetadata`, `stats_parsed`) are ignored. A null optional field is read back as absent.
 */
export async function readCheckpoint(
  connection: DuckDBConnection,
  localPath: string,
): Promise<Omit<TableState, 'version'>> {
  let rows: unknown[];
  try {
    const reader = await connection.runAndReadAll('SELECT to_json(c)::VARCHAR FROM read_parquet($1) AS c', [
      localPath,
    ]);
    rows = reader.getRows().map(([json]) => JSON.parse(String(json)) as unknown);
  } catch (err) {
    throw new ShopError(
      'SHOP_LAKE_LOG_INVALID',
      `checkpoint ${localPath} cannot be read: ${(err as Error).message}`,
      {
        cause: err,
        details: { key: localPath },
      },
    );
  }
  return stateOfCheckpointRows(rows, localPath);
}
