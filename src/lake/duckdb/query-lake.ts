import type { DuckDBValue } from '@duckdb/node-api';
import { ShopError } from '../../errors/index.js';
import type { LakeTableName } from '../lake-table.js';
import { lakeViews, tablesWithFiles } from '../lake-views.js';
import { toJsonValue, type JsonValue } from './json-safe-value.js';
import type { Lake } from './open-lake.js';

export type LakeParam = string | number | boolean | null;
export type LakeRow = Record<string, JsonValue>;

/** The tables whose views were last created over files, per lake (views are per connection). */
const viewState = new WeakMap<Lake, string>();

/**
 * (Re)creates the views `bronze`, `silver`, `quarantine` on the lake's query connection when the
 * set of tables holding files changed since the last call (a table's first file appears, or
 * removeUncommitted deleted its last one).
 */
export async function ensureLakeViews(lake: Lake): Promise<void> {
  const present = await tablesWithFiles(lake.dir);
  const state = [...present].sort().join(',');
  if (viewState.get(lake) === state) return;
  await lake.queryConnection.run(lakeViews(lake.dir, present as ReadonlySet<LakeTableName>));
  viewState.set(lake, state);
}

/**
 * Runs SQL over the lake views and returns the rows as JSON-safe objects (see `toJsonValue`).
 * `$1`-style parameters bind `params`. Failures throw SHOP_LAKE_QUERY_FAILED with DuckDB's message.
 */
export async function queryLake(
  lake: Lake,
  sql: string,
  params: readonly LakeParam[] = [],
): Promise<LakeRow[]> {
  try {
    await ensureLakeViews(lake);
    const reader = await lake.queryConnection.runAndReadAll(
      sql,
      params.length === 0 ? undefined : (params as DuckDBValue[]),
    );
    const names = reader.columnNames();
    return reader.getRows().map((row) => {
      const out: LakeRow = {};
      for (let i = 0; i < names.length; i++) out[names[i]!] = toJsonValue(row[i] ?? null);
      return out;
    });
  } catch (err) {
    if (err instanceof ShopError) throw err;
    throw new ShopError('SHOP_LAKE_QUERY_FAILED', (err as Error).message, {
      cause: err,
      details: { sql, params },
    });
  }
}
