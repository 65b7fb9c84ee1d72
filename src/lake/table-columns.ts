import type { LakeTableName } from './lake-table.js';

/**
 * The columns of each lake table: the contract others query. Rows are staged in DuckDB with
 * simple types (numbers and epoch-ms times as DOUBLE: no BigInt per cell on the JS side) and
 * converted to the stored type by `select` when the Parquet file is written.
 */
export interface LakeColumn {
  readonly name: string;
  /** The type in the Parquet file and in the views. */
  readonly type: string;
  /** The type of the staging table; null when the column is derived from others (`derived`). */
  readonly stageType: string | null;
  readonly derived?: string;
}

const text = (name: string): LakeColumn => ({ name, type: 'VARCHAR', stageType: 'VARCHAR' });
const int = (name: string): LakeColumn => ({ name, type: 'INTEGER', stageType: 'DOUBLE' });
const big = (name: string): LakeColumn => ({ name, type: 'BIGINT', stageType: 'DOUBLE' });
const dbl = (name: string): LakeColumn => ({ name, type: 'DOUBLE', stageType: 'DOUBLE' });
const time = (name: string): LakeColumn => ({ name, type: 'TIMESTAMP', stageType: 'DOUBLE' });
const blob = (name: string): LakeColumn => ({ name, type: 'BLOB', stageType: 'BLOB' });
const REASON_LIST_SQL = `CASE WHEN "reasons" = '' THEN CAST([] AS VARCHAR[]) ELSE string_split("reasons", ',') END`;
const reasonList: LakeColumn = {
  name: 'reason_list',
  type: 'VARCHAR[]',
  stageType: null,
  derived: REASON_LIST_SQL,
};

const LINEAGE = [text('topic'), int('partition'), big('offset')];
const RAW = [text('log_key'), time('log_timestamp'), text('raw_json'), blob('raw_bytes')];

export const TABLE_COLUMNS: Readonly<Record<LakeTableName, readonly LakeColumn[]>> = {
  bronze: [
    ...LINEAGE,
    ...RAW,
    text('event_id'),
    text('event_type'),
    time('event_time'),
    time('ingest_time'),
    text('user_id'),
  ],
  silver: [
    text('event_id'),
    int('event_version'),
    text('event_type'),
    time('event_time'),
    time('ingest_time'),
    text('user_id'),
    text('session_id'),
    text('product_id'),
    int('quantity'),
    dbl('price'),
    text('currency'),
    text('order_id'),
    text('source'),
    text('category'),
    text('channel'),
    text('store_id'),
    text('page_url'),
    text('referrer'),
    text('user_agent'),
    text('ip_address'),
    text('country'),
    text('device'),
    int('stock_level'),
    text('drift_json'),
    ...LINEAGE,
  ],
  quarantine: [...LINEAGE, ...RAW, text('reasons'), reasonList, text('event_id')],
};

/** Hive partition columns (directory names), derived from the partition time of each row. */
export const HIVE_COLUMNS: Readonly<Record<LakeTableName, readonly [date: string, hour: string]>> = {
  bronze: ['ingest_date', 'ingest_hour'],
  silver: ['event_date', 'event_hour'],
  quarantine: ['ingest_date', 'ingest_hour'],
};

export const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;
export const quoteLiteral = (value: string): string => `'${value.replaceAll("'", "''")}'`;

/** The staging column of each row's hour since the epoch (the hive partition key). */
export const STAGE_HOUR_COLUMN = '_hour';

/** The columns the JS side appends, in appender order. */
export function stagedColumns(table: LakeTableName): readonly LakeColumn[] {
  return TABLE_COLUMNS[table].filter((c) => c.stageType !== null);
}

/** DDL of the staging table: the table's columns with their staging types, plus the hour key. */
export function stageTableSql(table: LakeTableName, stageName: string): string {
  const cols = stagedColumns(table).map((c) => `${quoteIdent(c.name)} ${c.stageType ?? ''}`);
  return `CREATE OR REPLACE TEMP TABLE ${stageName} (${cols.join(', ')}, ${STAGE_HOUR_COLUMN} DOUBLE)`;
}

/** Expression turning one staged column into its stored type. */
function selectExpression(column: LakeColumn): string {
  const id = quoteIdent(column.name);
  if (column.derived !== undefined) return `${column.derived} AS ${id}`;
  switch (column.type) {
    case 'TIMESTAMP':
      return `epoch_ms(CAST(${id} AS BIGINT)) AS ${id}`;
    case 'INTEGER':
    case 'BIGINT':
      return `CAST(${id} AS ${column.type}) AS ${id}`;
    default:
      return id;
  }
}

/** SELECT list writing the stored columns (hive columns excluded: they are the directories). */
export function storedSelectList(table: LakeTableName): string {
  return TABLE_COLUMNS[table].map(selectExpression).join(', ');
}
