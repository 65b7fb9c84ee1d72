import { listValue, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
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
  ROW_MARK,
  packBronzeRow,
  packQuarantineRow,
  packSilverRow,
  type RowPacker,
} from './packed-rows.js';
import { HIVE_HOUR_OF, ROW_APPENDERS, type RowAppender, type RowsOf } from './row-appenders.js';

/** The rows of one hive hour, ready to COPY: a SELECT of the stored columns and its parameters. */
export interface HourSource {
  readonly rows: number;
  readonly selectSql: string;
  /** Bound to `$1`, `$2`, ... of selectSql; absent when it has none. */
  readonly params?: DuckDBValue[];
}

/** How rows of a table are handed to DuckDB before a Parquet file is written from them. */
export interface StageFormat<Row> {
  /** Prepares the rows on `connection`; returns one source per hive hour touched. */
  prepare(connection: DuckDBConnection, rows: readonly Row[]): Promise<Map<number, HourSource>>;
}

/**
 * The exact format: one cell per column (`row-appenders.ts`) in a staging table, re-created for
 * every batch (an emptied, TRUNCATEd in-memory DuckDB table keeps its storage, so staging memory
 * would grow with every batch ever written).
 */
export function cellStageFormat<T extends LakeTableName>(table: T): StageFormat<RowsOf[T]> {
  const stageName = `stage_${table}_cells`;
  const append = ROW_APPENDERS[table] as RowAppender<RowsOf[T]>;
  return {
    async prepare(connection, rows) {
      await connection.run(stageTableSql(table, stageName));
      const rowsByHour = new Map<number, number>();
      const appender = await connection.createAppender(stageName);
      try {
        for (const row of rows) {
          const hour = append(appender, row);
          rowsByHour.set(hour, (rowsByHour.get(hour) ?? 0) + 1);
        }
      } finally {
        appender.closeSync();
      }
      const sources = new Map<number, HourSource>();
      for (const [hour, count] of rowsByHour) {
        sources.set(hour, {
          rows: count,
          selectSql: `SELECT ${storedSelectList(table)} FROM ${stageName} WHERE ${STAGE_HOUR_COLUMN} = ${hour}`,
        });
      }
      return sources;
    },
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

const PACKERS: { readonly [T in LakeTableName]: RowPacker<RowsOf[T]> } = {
  bronze: packBronzeRow,
  silver: packSilverRow,
  quarantine: packQuarantineRow,
};

/** Rows packed between two yields to the event loop. */
const YIELD_ROWS = 8_192;
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Rows per staged block: bounds one DuckDB string to a few MB. */
const BLOCK_ROWS = 2_048;
const FIELD_SEPARATOR = '\x1f';
const ROW_SEPARATOR = `\x1f${ROW_MARK}\x1f`;

/**
 * The fast format (`packed-rows.ts`): per hive hour, blocks of up to BLOCK_ROWS packed rows, bound
 * as ONE list parameter of the COPY (no staging table, no appender); DuckDB unnests the blocks
 * (order kept) and splits the fields.
 */
export function blockStageFormat<T extends LakeTableName>(table: T): StageFormat<RowsOf[T]> {
  const pack = PACKERS[table] as RowPacker<RowsOf[T]>;
  const hourOfRow = HIVE_HOUR_OF[table] as (row: RowsOf[T]) => number;
  const staged = stagedColumns(table);
  const typed = staged.map((c, i) => packedField(c, i + 1)).join(', ');
  const outer = TABLE_COLUMNS[table]
    .map((c) => (c.derived === undefined ? quoteIdent(c.name) : `${c.derived} AS ${quoteIdent(c.name)}`))
    .join(', ');
  const selectSql =
    `SELECT ${outer} FROM (SELECT ${typed} FROM (` +
    `SELECT CASE WHEN len(p) = ${staged.length} THEN p ELSE error('${PACK_MISMATCH_TOKEN}') END AS parts FROM (` +
    `SELECT string_split(r, chr(31)) AS p FROM (` +
    `SELECT unnest(string_split(block, chr(31) || chr(29) || chr(31))) AS r FROM (` +
    `SELECT unnest($1::VARCHAR[]) AS block)))))`;
  return {
    async prepare(_connection, rows) {
      const packedByHour = new Map<number, string[]>();
      const fields: Array<string | number> = [];
      for (let i = 0; i < rows.length; i++) {
        // A flush packs up to a few hundred thousand rows: let Gold commits run in between.
        if (i > 0 && i % YIELD_ROWS === 0) await yieldToEventLoop();
        const row = rows[i]!;
        const hour = hourOfRow(row);
        let packed = packedByHour.get(hour);
        if (packed === undefined) packedByHour.set(hour, (packed = []));
        fields.length = 0;
        pack(row, fields);
        packed.push(fields.join(FIELD_SEPARATOR));
      }
      const sources = new Map<number, HourSource>();
      for (const [hour, packed] of packedByHour) {
        const blocks: string[] = [];
        for (let i = 0; i < packed.length; i += BLOCK_ROWS)
          blocks.push(packed.slice(i, i + BLOCK_ROWS).join(ROW_SEPARATOR));
        sources.set(hour, { rows: packed.length, selectSql, params: [listValue(blocks)] });
      }
      return sources;
    },
  };
}
