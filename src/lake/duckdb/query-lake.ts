import type { DuckDBValue } from '@duckdb/node-api';
import { ShopError } from '../../errors/index.js';
import { LAKE_TABLES, type LakeTableName } from '../lake-table.js';
import { lakeViews } from '../lake-views.js';
import { toJsonValue, type JsonValue } from './json-safe-value.js';
import type { Lake } from './open-lake.js';

export type LakeParam = string | number | boolean | null;
export type LakeRow = Record<string, JsonValue>;

/** The file lists the views were last created over, per lake (views are per connection). */
const viewState = new WeakMap<Lake, string>();

/**
 * (Re)creates the views `bronze`, `silver`, `quarantine` on the lake's query connection over the
 * tables' readable files (`lake.files`), when they changed since the last call.
 */
export async function ensureLakeViews(lake: Lake): Promise<void> {
  const files = {} as Record<LakeTableName, string[]>;
  for (const table of LAKE_TABLES) files[table] = (await lake.files.list(table)).map((f) => f.path);
  const state = LAKE_TABLES.map((t) => files[t].join('\n')).join('\n\n');
  if (viewState.get(lake) === state) return;
  await lake.queryConnection.run(lakeViews(files));
  viewState.set(lake, state);
}

/** A file listed before compaction renamed it: the query is run again over a fresh listing. */
export const MISSING_FILE =
  /no such file|no files found that match|cannot open file|could not open|failed to open/i;
const ATTEMPTS = 3;

/**
 * Runs SQL over the lake views and returns the rows as JSON-safe objects (see `toJsonValue`).
 * `$1`-style parameters bind `params`. A query that outlives `lake.queryTimeoutMs` is interrupted
 * (SHOP_LAKE_QUERY_TIMEOUT); other failures throw SHOP_LAKE_QUERY_FAILED with DuckDB's message.
 * Up to two retries when a listed file vanished meanwhile (compaction renamed it).
 */
export async function queryLake(
  lake: Lake,
  sql: string | (() => Promise<string>),
  params: readonly LakeParam[] = [],
): Promise<LakeRow[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await runOnce(lake, sql, params);
    } catch (err) {
      const vanished =
        err instanceof ShopError && err.code === 'SHOP_LAKE_QUERY_FAILED' && MISSING_FILE.test(err.message);
      // The next attempt lists the files from the log again.
      if (!vanished || attempt === ATTEMPTS) throw err;
    }
  }
}

async function runOnce(
  lake: Lake,
  sql: string | (() => Promise<string>),
  params: readonly LakeParam[],
): Promise<LakeRow[]> {
  let text = typeof sql === 'string' ? sql : '';
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timedOut = false;
  try {
    if (typeof sql === 'string') await ensureLakeViews(lake);
    else text = await sql();
    if (lake.queryTimeoutMs > 0)
      timer = setTimeout(() => {
        timedOut = true;
        lake.queryConnection.interrupt();
      }, lake.queryTimeoutMs);
    const reader = await lake.queryConnection.runAndReadAll(
      text,
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
    if (timedOut)
      throw new ShopError(
        'SHOP_LAKE_QUERY_TIMEOUT',
        `lake query interrupted after ${lake.queryTimeoutMs} ms`,
        {
          cause: err,
          details: { sql: text, params },
        },
      );
    throw new ShopError('SHOP_LAKE_QUERY_FAILED', (err as Error).message, {
      cause: err,
      details: { sql: text, params },
    });
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}
