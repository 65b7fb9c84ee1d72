import type { DuckDBConnection } from '@duckdb/node-api';
import { relative, sep } from 'node:path';
import type { AddAction, DeltaAction, TxnAction } from '../delta/delta-actions.js';
import { PROTOCOL, evolvedMetaData, lakeTableMetaData } from '../delta/delta-schema.js';
import type { DeltaTable, TableSnapshot } from '../delta/delta-table.js';
import { HOUR_MS, parseLakeFileName } from '../lake-file-names.js';
import type { LakeTableName, RemoveUncommittedOptions } from '../lake-table.js';
import { LegacyLakeFiles } from '../legacy-lake-files.js';
import { HIVE_COLUMNS } from '../table-columns.js';
import { ShopError } from '../../errors/index.js';
import { parquetFileStats } from './parquet-stats.js';
import type { WrittenFile } from './table-file-writer.js';

/** The Delta application id of one log partition's writes to a lake table (the `txn` action). */
export const lakeAppId = (topic: string, partition: number): string => `shopstream:${topic}:${partition}`;

/** Hive partition values of an hour (`{event_date: '2026-12-03', event_hour: '9'}`). */
export function partitionValuesOf(table: LakeTableName, hour: number): Record<string, string> {
  const [dateCol, hourCol] = HIVE_COLUMNS[table];
  const date = new Date(hour * HOUR_MS).toISOString().slice(0, 10);
  return { [dateCol]: date, [hourCol]: String(hour % 24) };
}

/** What an `add` says of a data file: where it is, its hive hour, size and stats. */
export type DataFileFacts = Pick<WrittenFile, 'tablePath' | 'hour' | 'bytes' | 'stats'>;

/**
 * The `add` of a data file: a flush's new rows, a converted legacy file (`dataChange`), or a
 * merged file of optimize (`dataChange: false`).
 */
export function addActionOf(
  table: LakeTableName,
  file: DataFileFacts,
  nowMs: number,
  dataChange = true,
): AddAction {
  return {
    path: file.tablePath,
    partitionValues: partitionValuesOf(table, file.hour),
    size: file.bytes,
    modificationTime: nowMs,
    dataChange,
    stats: JSON.stringify(file.stats),
  };
}

/** The `remove` of a live file: a rollback's (`dataChange`) or optimize's (`dataChange: false`). */
export function removeActionOf(add: AddAction, nowMs: number, dataChange: boolean): DeltaAction {
  return {
    remove: {
      path: add.path,
      deletionTimestamp: nowMs,
      dataChange,
      extendedFileMetadata: true,
      partitionValues: add.partitionValues,
      size: add.size,
    },
  };
}

/** The actions rolling a partition back to `committedNextOffset` in one table (none: nothing to do). */
export function rollbackActions(
  table: LakeTableName,
  snap: TableSnapshot,
  options: RemoveUncommittedOptions,
  nowMs: number,
): { actions: DeltaAction[]; paths: string[] } {
  const actions: DeltaAction[] = [];
  const paths: string[] = [];
  const ownTxn = (appId: string) =>
    options.topic === undefined
      ? appId.endsWith(`:${options.partition}`)
      : appId === lakeAppId(options.topic, options.partition);
  // A partition whose writes are tracked by a txn needs no rollback: the table itself knows
  // which rows it holds, and the next idempotent append skips them.
  if (options.untrackedOnly === true && [...snap.txns.keys()].some(ownTxn)) return { actions, paths };
  for (const add of snap.files.values()) {
    const key = parseLakeFileName(add.path.slice(add.path.lastIndexOf('/') + 1));
    if (key === null || key.partition !== options.partition || key.fromOffset < options.committedNextOffset)
      continue;
    actions.push(removeActionOf(add, nowMs, true));
    paths.push(add.path);
  }
  for (const txn of snap.txns.values()) {
    if (!ownTxn(txn.appId) || txn.version < options.committedNextOffset) continue;
    const back: TxnAction = {
      appId: txn.appId,
      version: options.committedNextOffset - 1,
      lastUpdated: nowMs,
    };
    actions.push({ txn: back });
  }
  return { actions, paths };
}

/** What opening a lake table found or did. */
export type TableOpening = 'exists' | 'created' | 'converted' | 'absent';

interface EnsureOptions {
  /** Create (or convert) the table when it has no log; false: read-only. */
  readonly create: boolean;
  readonly connect: () => Promise<DuckDBConnection>;
}

/**
 * Makes sure a lake table has a Delta log: creates it (version 0: protocol + metaData), or
 * converts a lake folder of an earlier shopstream (plain Parquet in hive folders) in place:
 * version 0 then adds every readable file, with its stats, and the txn of every partition at
 * its last offset. Then commits an additive schema change when the code has new columns.
 * Read-only: a folder with legacy files and no log is refused (SHOP_LAKE_LOG_INVALID), never
 * shown as empty. `lakeDir` null: the table is on object storage, which never held the old layout.
 */
export async function ensureLakeTable(
  delta: DeltaTable,
  table: LakeTableName,
  lakeDir: string | null,
  options: EnsureOptions,
): Promise<TableOpening> {
  let outcome: TableOpening = 'exists';
  if (!(await delta.exists())) {
    const legacy = lakeDir === null ? [] : await new LegacyLakeFiles(lakeDir).list(table);
    if (!options.create) {
      if (legacy.length === 0) return 'absent';
      throw new ShopError(
        'SHOP_LAKE_LOG_INVALID',
        `${table} holds ${legacy.length} Parquet files of an earlier shopstream and no Delta log: run \`shopstream lake convert\` (or start a writer, which converts it)`,
        { details: { table, files: legacy.length } },
      );
    }
    const actions =
      legacy.length === 0 || lakeDir === null
        ? []
        : await legacyActions(table, lakeDir, legacy, options.connect);
    const nowMs = Date.now();
    await delta.create(lakeTableMetaData(table, nowMs), PROTOCOL, actions);
    outcome = legacy.length === 0 ? 'created' : 'converted';
  }
  if (!options.create) return outcome;
  const snap = await delta.require();
  const evolved = evolvedMetaData(table, snap.metaData);
  if (evolved !== null) {
    await delta.commit({
      actions: [{ metaData: evolved }],
      operation: 'ADD COLUMNS',
      readVersion: snap.version,
    });
  }
  return outcome;
}

async function legacyActions(
  table: LakeTableName,
  lakeDir: string,
  files: Awaited<ReturnType<LegacyLakeFiles['list']>>,
  connect: () => Promise<DuckDBConnection>,
): Promise<DeltaAction[]> {
  const connection = await connect();
  const nowMs = Date.now();
  const actions: DeltaAction[] = [];
  try {
    for (const f of files) {
      const counted = await connection.runAndReadAll(
        'SELECT coalesce(sum(num_rows), 0)::BIGINT AS n FROM parquet_file_metadata($1)',
        [f.path],
      );
      const rows = Number(counted.getRows()[0]?.[0] ?? 0);
      const stats = await parquetFileStats(connection, f.path, table, rows);
      const tablePath = relative(`${lakeDir}${sep}${table}`, f.path).split(sep).join('/');
      actions.push({ add: addActionOf(table, { tablePath, hour: f.hour, bytes: f.bytes, stats }, nowMs) });
    }
  } finally {
    connection.closeSync();
  }
  // No txn is recorded: file names carry no topic. Until the processor's first idempotent flush
  // of a partition, its recovery rolls back files past the serving DB's lake position, as
  // before Delta (see `rollbackActions`, `untrackedOnly`).
  return actions;
}
