import { randomUUID } from 'node:crypto';
import type { LakeTableName } from '../lake-table.js';
import { HIVE_COLUMNS, TABLE_COLUMNS, type LakeColumn } from '../table-columns.js';
import type { MetaDataAction, ProtocolAction } from './delta-actions.js';

/** Reader 1 / writer 2: no table features, readable by every Delta engine. */
export const PROTOCOL: ProtocolAction = { minReaderVersion: 1, minWriterVersion: 2 };

type SparkType = string | { type: 'array'; elementType: string; containsNull: boolean };

interface SparkField {
  readonly name: string;
  readonly type: SparkType;
  readonly nullable: boolean;
  readonly metadata: Record<string, never>;
}

/** The Delta (Spark) type of a lake column's stored DuckDB type. */
export function sparkTypeOf(duckType: string): SparkType {
  switch (duckType) {
    case 'VARCHAR':
      return 'string';
    case 'INTEGER':
      return 'integer';
    case 'BIGINT':
      return 'long';
    case 'DOUBLE':
      return 'double';
    case 'TIMESTAMP':
      return 'timestamp';
    case 'BLOB':
      return 'binary';
    case 'DATE':
      return 'date';
    case 'VARCHAR[]':
      return { type: 'array', elementType: 'string', containsNull: true };
    default:
      throw new Error(`no Delta type for the lake column type ${duckType}`);
  }
}

const field = (name: string, duckType: string): SparkField => ({
  name,
  type: sparkTypeOf(duckType),
  nullable: true,
  metadata: {},
});

/** The table's columns as Delta sees them: the file columns, then the hive (partition) columns. */
export function deltaFields(table: LakeTableName): readonly SparkField[] {
  const [date, hour] = HIVE_COLUMNS[table];
  return [
    ...TABLE_COLUMNS[table].map((c: LakeColumn) => field(c.name, c.type)),
    field(date, 'DATE'),
    field(hour, 'INTEGER'),
  ];
}

/** The Spark StructType JSON of a list of fields (`metaData.schemaString`). */
export const schemaStringOf = (fields: readonly SparkField[]): string =>
  JSON.stringify({ type: 'struct', fields });

/** Field names of a `schemaString`. */
export function fieldNamesOf(schemaString: string): string[] {
  const parsed = JSON.parse(schemaString) as { fields?: Array<{ name?: unknown }> };
  return (parsed.fields ?? []).map((f) => String(f.name));
}

/** The metaData action of a new lake table. */
export function lakeTableMetaData(table: LakeTableName, nowMs: number): MetaDataAction {
  return {
    id: randomUUID(),
    name: table,
    description: `shopstream ${table}`,
    format: { provider: 'parquet', options: {} },
    schemaString: schemaStringOf(deltaFields(table)),
    partitionColumns: [...HIVE_COLUMNS[table]],
    configuration: {},
    createdTime: nowMs,
  };
}

/**
 * Schema evolution: the metaData to commit when the code's columns include ones the table lacks
 * (additive only: a new nullable column appended, old files read it as NULL), or null when the
 * table already has every column. Columns are never dropped or retyped.
 */
export function evolvedMetaData(table: LakeTableName, current: MetaDataAction): MetaDataAction | null {
  const parsed = JSON.parse(current.schemaString) as { type: 'struct'; fields: SparkField[] };
  const have = new Set(parsed.fields.map((f) => f.name));
  const missing = deltaFields(table).filter((f) => !have.has(f.name));
  if (missing.length === 0) return null;
  return { ...current, schemaString: schemaStringOf([...parsed.fields, ...missing]) };
}
