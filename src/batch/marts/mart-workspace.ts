import { queryLake, type Lake, type LakeParam, type LakeRow } from '../../lake/index.js';
import type { MartColumn, PgColumnType } from './mart-model.js';

/** DuckDB type of each serving-DB column type (money: exact decimals). */
export const DUCK_TYPE: Readonly<Record<PgColumnType, string>> = {
  text: 'VARCHAR',
  integer: 'INTEGER',
  bigint: 'BIGINT',
  'double precision': 'DOUBLE',
  numeric: 'DECIMAL(38,6)',
  date: 'DATE',
  timestamptz: 'TIMESTAMP',
  boolean: 'BOOLEAN',
  jsonb: 'VARCHAR',
};

export const ident = (name: string): string => `"${name.replaceAll('"', '""')}"`;
export const literal = (value: string): string => `'${value.replaceAll("'", "''")}'`;

/** `SELECT CAST(c AS <type>) AS c, ...` of `columns` from a relation: the model's exact row shape. */
export function typedSelect(columns: readonly MartColumn[], from: string): string {
  const list = columns.map((c) => `CAST(${ident(c.name)} AS ${DUCK_TYPE[c.type]}) AS ${ident(c.name)}`);
  return `SELECT ${list.join(', ')} FROM ${from}`;
}

/**
 * The DuckDB side of one build: temporary tables on the lake's query connection (where the
 * `silver` view lives), all named `mart_<build>_<name>` so that concurrent readers of the same
 * connection never see them by accident, and dropped by `close()`. Every statement goes through
 * `queryLake` (the lake's query API), so the models follow any change of the views' definition.
 */
export class MartWorkspace {
  private readonly prefix: string;
  private readonly tables = new Set<string>();

  constructor(
    readonly lake: Lake,
    buildId: string,
  ) {
    this.prefix = `mart_${buildId.replace(/[^a-z0-9]/gi, '').slice(0, 12)}_`;
  }

  /** The quoted name of relation `name` of this build. */
  rel = (name: string): string => ident(this.prefix + name);

  query(sql: string, params: readonly LakeParam[] = []): Promise<LakeRow[]> {
    return queryLake(this.lake, sql, params);
  }

  /** (Re)creates temp table `name` as the result of `select`. */
  async create(name: string, select: string, params: readonly LakeParam[] = []): Promise<void> {
    await this.query(`CREATE OR REPLACE TEMP TABLE ${this.rel(name)} AS ${select}`, params);
    this.tables.add(name);
  }

  async drop(name: string): Promise<void> {
    if (!this.tables.delete(name)) return;
    await this.query(`DROP TABLE IF EXISTS ${this.rel(name)}`);
  }

  async count(name: string): Promise<number> {
    const [row] = await this.query(`SELECT count(*) AS n FROM ${this.rel(name)}`);
    return Number(row?.['n'] ?? 0);
  }

  async close(): Promise<void> {
    for (const name of [...this.tables]) await this.drop(name);
  }
}
