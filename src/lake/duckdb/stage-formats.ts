import type { DuckDBAppender } from '@duckdb/node-api';
import { hourOf } from '../lake-file-names.js';
import type { BronzeRow, LakeTableName, QuarantineRow, SilverRow } from '../lake-table.js';
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
  ROW_MARK,
  packBronzeRow,
  packQuarantineRow,
  packSilverRow,
  type RowPacker,
} from './packed-rows.js';
import { ROW_APPENDERS, type RowAppender, type RowsOf } from './row-appenders.js';

/** How rows of a table are staged in DuckDB before a Parquet file is written from them. */
export interface StageFormat<Row> {
  readonly stageName: string;
  readonly createSql: string;
  /** Appends the rows to the staging table; returns the row count of each hive hour. */
  stage(appender: DuckDBAppender, rows: readonly Row[]): Map<number, number>;
  /** SELECT producing the stored columns (in table order) of the staged rows of `hour`. */
  selectSql(hour: number): string;
}

/** The exact format: one staging cell per column (`row-appenders.ts`). */
export function cellStageFormat<T extends LakeTableName>(table: T): StageFormat<RowsOf[T]> {
  const stageName = `stage_${table}_cells`;
  const append = ROW_APPENDERS[table] as RowAppender<RowsOf[T]>;
  return {
    stageName,
    createSql: stageTableSql(table, stageName),
    stage(appender, rows) {
      const rowsByHour = new Map<number, number>();
      for (const row of rows) {
        const hour = append(appender, row);
        rowsByHour.set(hour, (rowsByHour.get(hour) ?? 0) + 1);
      }
      return rowsByHour;
    },
    selectSql: (hour) =>
      `SELECT ${storedSelectList(table)} FROM ${stageName} WHERE ${STAGE_HOUR_COLUMN} = ${hour}`,
  };
}

/** A packed field as its stored type; NULL mark -> NULL. Numbers go through DOUBLE like the cell format. */
function packedField(column: LakeColumn, index: number): string {
  const x = `nullif(parts[${index}], chr(30))`;
  const id = quoteIdent(column.name);
  switch (column.type) {
    case 'VARCHAR':
      return `${x} AS ${id}`;
    case 'BLOB':
      return `from_base64(${x}) AS ${id}`;
    case 'TIMESTAMP':
      return `epoch_ms(CAST(CAST(${x} AS DOUBLE) AS BIGINT)) AS ${id}`;
    default:
      return `CAST(CAST(${x} AS DOUBLE) AS ${column.type}) AS ${id}`;
  }
}

interface PackSpec<Row> {
  readonly pack: RowPacker<Row>;
  /** The row's hive partition time (epoch ms). */
  readonly timeMs: (row: Row) => number;
}

const PACKERS: { readonly [T in LakeTableName]: PackSpec<RowsOf[T]> } = {
  bronze: { pack: packBronzeRow, timeMs: (r: BronzeRow) => r.logTimestampMs },
  silver: { pack: packSilverRow, timeMs: (r: SilverRow) => r.eventTimeMs },
  quarantine: { pack: packQuarantineRow, timeMs: (r: QuarantineRow) => r.logTimestampMs },
};

/** Rows per staged block: bounds one DuckDB string to a few MB. */
const BLOCK_ROWS = 2_048;
const FIELD_SEPARATOR = '\x1f';
const ROW_SEPARATOR = `\x1f${ROW_MARK}\x1f`;

/**
 * The fast format (`packed-rows.ts`): per hive hour, blocks of up to BLOCK_ROWS packed rows, one
 * staging row per block; DuckDB unnests the blocks (order kept) and splits the fields.
 */
export function blockStageFormat<T extends LakeTableName>(table: T): StageFormat<RowsOf[T]> {
  const stageName = `stage_${table}_blocks`;
  const { pack, timeMs } = PACKERS[table] as PackSpec<RowsOf[T]>;
  const staged = stagedColumns(table);
  const typed = staged.map((c, i) => packedField(c, i + 1)).join(', ');
  const outer = TABLE_COLUMNS[table]
    .map((c) => (c.derived === undefined ? quoteIdent(c.name) : `${c.derived} AS ${quoteIdent(c.name)}`))
    .join(', ');
  return {
    stageName,
    createSql: `CREATE OR REPLACE TEMP TABLE ${stageName} (block VARCHAR, ${STAGE_HOUR_COLUMN} DOUBLE)`,
    stage(appender, rows) {
      const byHour = new Map<number, RowsOf[T][]>();
      for (const row of rows) {
        const hour = hourOf(timeMs(row));
        const list = byHour.get(hour);
        if (list === undefined) byHour.set(hour, [row]);
        else list.push(row);
      }
      const rowsByHour = new Map<number, number>();
      const fields: Array<string | number> = [];
      const packedRows: string[] = [];
      for (const [hour, list] of byHour) {
        rowsByHour.set(hour, list.length);
        for (let i = 0; i < list.length; i += BLOCK_ROWS) {
          packedRows.length = 0;
          const end = Math.min(i + BLOCK_ROWS, list.length);
          for (let j = i; j < end; j++) {
            fields.length = 0;
            pack(list[j]!, fields);
            packedRows.push(fields.join(FIELD_SEPARATOR));
          }
          appender.appendVarchar(packedRows.join(ROW_SEPARATOR));
          appender.appendDouble(hour);
          appender.endRow();
        }
      }
      return rowsByHour;
    },
    selectSql: (hour) =>
      `SELECT ${outer} FROM (SELECT ${typed} FROM (` +
      `SELECT CASE WHEN len(p) = ${staged.length} THEN p ELSE error('${PACK_MISMATCH_TOKEN}') END AS parts FROM (` +
      `SELECT string_split(r, chr(31)) AS p FROM (` +
      `SELECT unnest(string_split(block, chr(31) || chr(29) || chr(31))) AS r FROM ${stageName} WHERE ${STAGE_HOUR_COLUMN} = ${hour}))))`,
  };
}
