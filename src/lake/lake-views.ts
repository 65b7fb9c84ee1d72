import { opendir } from 'node:fs/promises';
import { join } from 'node:path';
import { LAKE_TABLES, type LakeTableName } from './lake-table.js';
import { HIVE_COLUMNS, TABLE_COLUMNS, quoteIdent, quoteLiteral } from './table-columns.js';

/** The glob of every file of a table. */
export const tableGlob = (dir: string, table: LakeTableName): string => join(dir, table, '**', '*.parquet');

/** read_parquet over a glob, with the table's hive columns typed (date DATE, hour INTEGER). */
export function readParquetSql(glob: string, table: LakeTableName): string {
  const [date, hour] = HIVE_COLUMNS[table];
  return (
    `read_parquet(${quoteLiteral(glob)}, hive_partitioning = true, union_by_name = true, ` +
    `hive_types = {${quoteLiteral(date)}: DATE, ${quoteLiteral(hour)}: INTEGER})`
  );
}

/** A zero-row SELECT with exactly the columns (and order) the view has once files exist. */
function emptyTableSql(table: LakeTableName): string {
  const [date, hour] = HIVE_COLUMNS[table];
  const cols = TABLE_COLUMNS[table].map((c) => `CAST(NULL AS ${c.type}) AS ${quoteIdent(c.name)}`);
  cols.push(`CAST(NULL AS DATE) AS ${quoteIdent(date)}`, `CAST(NULL AS INTEGER) AS ${quoteIdent(hour)}`);
  return `SELECT ${cols.join(', ')} WHERE false`;
}

/**
 * SQL creating the views `bronze`, `silver` and `quarantine` over the lake folder. A table
 * without files (`withFiles` lacks it) gets an empty view with the same columns, since
 * read_parquet refuses a glob that matches nothing.
 */
export function lakeViews(dir: string, withFiles: ReadonlySet<LakeTableName>): string {
  return LAKE_TABLES.map((table) => {
    const body = withFiles.has(table)
      ? `SELECT * FROM ${readParquetSql(tableGlob(dir, table), table)}`
      : emptyTableSql(table);
    return `CREATE OR REPLACE VIEW ${table} AS ${body};`;
  }).join('\n');
}

/** True when the folder holds at least one `.parquet` file at any depth (stops at the first). */
export async function hasParquetFile(dir: string): Promise<boolean> {
  let handle;
  try {
    handle = await opendir(dir);
  } catch {
    return false;
  }
  const subdirs: string[] = [];
  for await (const entry of handle) {
    if (entry.isFile() && entry.name.endsWith('.parquet')) return true;
    if (entry.isDirectory()) subdirs.push(join(dir, entry.name));
  }
  for (const sub of subdirs) if (await hasParquetFile(sub)) return true;
  return false;
}

/** The tables of the lake folder that hold at least one file. */
export async function tablesWithFiles(dir: string): Promise<Set<LakeTableName>> {
  const present = new Set<LakeTableName>();
  for (const table of LAKE_TABLES) if (await hasParquetFile(join(dir, table))) present.add(table);
  return present;
}
