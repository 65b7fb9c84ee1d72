import type { LakeTableName } from '../lake-table.js';
import {
  STAGE_HOUR_COLUMN,
  TABLE_COLUMNS,
  quoteIdent,
  stageTableSql,
  stagedColumns,
  storedSelectList,
  type LakeColumn,
} from '../table-columns.js';
import {
  PACK_MISMATCH_TOKEN,
  appendPackedBronzeRow,
  appendPackedQuarantineRow,
  appendPackedSilverRow,
} from './packed-row-appenders.js';
import { ROW_APPENDERS, type RowAppender, type RowsOf } from './row-appenders.js';

/** How rows of a table are staged in DuckDB before a Parquet file is written from them. */
export interface StageFormat<Row> {
  readonly stageName: string;
  readonly createSql: string;
  readonly append: RowAppender<Row>;
  /** SELECT producing the stored columns (in table order) of the staged rows matching `where`. */
  selectSql(where: string): string;
}

export function cellStageFormat<T extends LakeTableName>(table: T): StageFormat<RowsOf[T]> {
  const stageName = `stage_${table}_cells`;
  return {
    stageName,
    createSql: stageTableSql(table, stageName),
    append: ROW_APPENDERS[table] as RowAppender<RowsOf[T]>,
    selectSql: (where) => `SELECT ${storedSelectList(table)} FROM ${stageName}${where}`,
  };
}

/** A packed field as its stored type; NULL mark -> NULL. Numbers go through DOUBLE like the cell format. */
function packedField(column: LakeColumn, index: number): string {
  const x = `nullif(parts[${index}], chr(30))`;
  const id = quoteIdent(column.name);
  switch (column.type) {
    case 'VARCHAR':
      return `${x} AS ${id}`;
    case 'TIMESTAMP':
      return `epoch_ms(CAST(CAST(${x} AS DOUBLE) AS BIGINT)) AS ${id}`;
    default:
      return `CAST(CAST(${x} AS DOUBLE) AS ${column.type}) AS ${id}`;
  }
}

const PACKED_APPENDERS: { readonly [T in LakeTableName]: RowAppender<RowsOf[T]> } = {
  bronze: appendPackedBronzeRow,
  silver: appendPackedSilverRow,
  quarantine: appendPackedQuarantineRow,
};

export function packedStageFormat<T extends LakeTableName>(table: T): StageFormat<RowsOf[T]> {
  const stageName = `stage_${table}_packed`;
  const packed = stagedColumns(table).filter((c) => !c.wide);
  const wide = stagedColumns(table)
    .filter((c) => c.wide)
    .map((c) => quoteIdent(c.name));
  const wideDdl = stagedColumns(table)
    .filter((c) => c.wide)
    .map((c) => `, ${quoteIdent(c.name)} ${c.stageType ?? ''}`)
    .join('');
  const wideList = wide.map((w) => `, ${w}`).join('');
  const typed = packed.map((c, i) => packedField(c, i + 1)).join(', ');
  const outer = TABLE_COLUMNS[table]
    .map((c) => (c.derived === undefined ? quoteIdent(c.name) : `${c.derived} AS ${quoteIdent(c.name)}`))
    .join(', ');
  return {
    stageName,
    createSql: `CREATE OR REPLACE TEMP TABLE ${stageName} (packed VARCHAR${wideDdl}, ${STAGE_HOUR_COLUMN} DOUBLE)`,
    append: PACKED_APPENDERS[table],
    selectSql: (where) =>
      `SELECT ${outer} FROM (SELECT ${typed}${wideList} FROM (` +
      `SELECT CASE WHEN len(p) = ${packed.length} THEN p ELSE error('${PACK_MISMATCH_TOKEN}') END AS parts${wideList} FROM (` +
      `SELECT string_split(packed, chr(31)) AS p${wideList} FROM ${stageName}${where})))`,
  };
}
