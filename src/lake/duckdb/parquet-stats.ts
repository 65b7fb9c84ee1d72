import type { DuckDBConnection } from '@duckdb/node-api';
import { stat } from 'node:fs/promises';
import { publishFile } from './durable-files.js';
import type { FileStats } from '../delta/delta-actions.js';
import type { LakeTableName } from '../lake-table.js';
import { TABLE_COLUMNS } from '../table-columns.js';

/** Columns whose min/max go into Delta stats: numbers and times (strings would need truncation rules). */
const STATS_TYPES = new Set(['INTEGER', 'BIGINT', 'DOUBLE', 'TIMESTAMP']);

const statsColumns = (table: LakeTableName) =>
  new Map(TABLE_COLUMNS[table].filter((c) => STATS_TYPES.has(c.type)).map((c) => [c.name, c.type]));

/** DuckDB prints timestamp stats as `YYYY-MM-DD HH:MM:SS[.ffffff]`; Delta wants ISO-8601 UTC with ms. */
function deltaTimestamp(value: string): string {
  const iso = value.includes('T') ? value : value.replace(' ', 'T');
  const ms = Date.parse(iso.endsWith('Z') ? iso : `${iso}Z`);
  return new Date(ms).toISOString();
}

/**
 * Delta `add.stats` of a Parquet file, from its footer (row-group statistics, no data read):
 * numRecords, and min/max/nullCount of the numeric and timestamp columns. Columns without
 * statistics in every row group are left out (stats are optional per column).
 */
export async function parquetFileStats(
  connection: DuckDBConnection,
  path: string,
  table: LakeTableName,
  rows: number,
): Promise<FileStats> {
  const wanted = statsColumns(table);
  const reader = await connection.runAndReadAll(
    `SELECT path_in_schema AS col, stats_min_value AS lo, stats_max_value AS hi, stats_null_count AS nulls
       FROM parquet_metadata($1)`,
    [path],
  );
  const minValues: Record<string, string | number> = {};
  const maxValues: Record<string, string | number> = {};
  const nullCount: Record<string, number> = {};
  const missing = new Set<string>();
  for (const r of reader.getRowObjectsJson()) {
    const col = String(r['col']);
    const type = wanted.get(col);
    if (type === undefined) continue;
    nullCount[col] = (nullCount[col] ?? 0) + Number(r['nulls'] ?? 0);
    if (r['lo'] === null || r['hi'] === null) {
      missing.add(col);
      continue;
    }
    if (type === 'TIMESTAMP') {
      const lo = deltaTimestamp(String(r['lo']));
      const hi = deltaTimestamp(String(r['hi']));
      if (minValues[col] === undefined || lo < String(minValues[col])) minValues[col] = lo;
      if (maxValues[col] === undefined || hi > String(maxValues[col])) maxValues[col] = hi;
    } else {
      const lo = Number(r['lo']);
      const hi = Number(r['hi']);
      if (minValues[col] === undefined || lo < Number(minValues[col])) minValues[col] = lo;
      if (maxValues[col] === undefined || hi > Number(maxValues[col])) maxValues[col] = hi;
    }
  }
  for (const col of missing) {
    delete minValues[col];
    delete maxValues[col];
  }
  return { numRecords: rows, minValues, maxValues, nullCount };
}

/**
 * Publishes a freshly written Parquet file (temporary name -> final name, see `publishFile`) and
 * returns what its Delta `add` needs: the stats of its footer and its size. The flush writer and
 * optimize both end a file this way.
 */
export async function publishWithStats(
  connection: DuckDBConnection,
  tempPath: string,
  finalPath: string,
  file: { table: LakeTableName; rows: number; fsync: boolean },
): Promise<{ stats: FileStats; bytes: number }> {
  const stats = await parquetFileStats(connection, tempPath, file.table, file.rows);
  const bytes = (await stat(tempPath)).size;
  await publishFile(tempPath, finalPath, file.fsync);
  return { stats, bytes };
}
