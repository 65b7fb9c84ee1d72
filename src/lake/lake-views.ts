import { LAKE_TABLES, type LakeTableName } from './lake-table.js';
import { HIVE_COLUMNS, TABLE_COLUMNS, quoteIdent, quoteLiteral } from './table-columns.js';

/**
 * read_parquet over an explicit list of files (never a glob: the file index decides what is
 * readable, see `LakeFileIndex`), with the table's hive columns typed (date DATE, hour INTEGER).
 * Hive filters on those columns prune files before they are opened. Columns are matched by name
 * (`union_by_name`): after an additive schema change (an `ADD COLUMNS` Delta commit) older files
 * lack the new column and read it as NULL, whichever file comes first.
 */
export function readParquetSql(files: readonly string[], table: LakeTableName): string {
  const [date, hour] = HIVE_COLUMNS[table];
  return (
    `read_parquet([${files.map(quoteLiteral).join(', ')}], hive_partitioning = true, union_by_name = true, ` +
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

/** A SELECT of every row of the files (an empty one with the same columns when there are none). */
export function tableSql(files: readonly string[], table: LakeTableName): string {
  return files.length === 0 ? emptyTableSql(table) : `SELECT * FROM ${readParquetSql(files, table)}`;
}

/** SQL creating the views `bronze`, `silver` and `quarantine` over the given readable files. */
export function lakeViews(filesByTable: Readonly<Record<LakeTableName, readonly string[]>>): string {
  return LAKE_TABLES.map(
    (table) => `CREATE OR REPLACE VIEW ${table} AS ${tableSql(filesByTable[table], table)};`,
  ).join('\n');
}
