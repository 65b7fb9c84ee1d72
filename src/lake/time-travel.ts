import { ShopError } from '../errors/index.js';
import type { Lake } from './duckdb/open-lake.js';
import { EMPTY_VERSION, type LakeVersions } from './lake-file-index.js';
import { LAKE_TABLES, type LakeTableName } from './lake-table.js';

/** What a time-travelling reader asks for: versions of some tables, or one instant for all. */
export interface AsOf {
  readonly versions?: LakeVersions;
  /** Every table as it was at this instant (its latest commit at or before it). */
  readonly timeMs?: number;
}

/**
 * The version of each table an `AsOf` means. At a time before a table's first commit the table
 * is empty (EMPTY_VERSION). A version that does not exist is SHOP_LAKE_VERSION_NOT_FOUND.
 */
export async function resolveLakeVersions(lake: Lake, asOf: AsOf): Promise<LakeVersions> {
  const out: Record<string, number> = {};
  if (asOf.timeMs !== undefined) {
    for (const table of LAKE_TABLES) {
      const delta = lake.tables[table];
      if (!(await delta.exists()) || (await delta.timestampOf(0)) > asOf.timeMs) out[table] = EMPTY_VERSION;
      else out[table] = await delta.versionAsOf(asOf.timeMs);
    }
  }
  for (const [table, version] of Object.entries(asOf.versions ?? {})) {
    if (!(LAKE_TABLES as readonly string[]).includes(table))
      throw new ShopError(
        'SHOP_CLI_BAD_ARGUMENT',
        `no lake table ${table} (tables: ${LAKE_TABLES.join(', ')})`,
      );
    const snap = await lake.files.snapshot(table as LakeTableName, version);
    if (snap === undefined)
      throw new ShopError('SHOP_LAKE_VERSION_NOT_FOUND', `${table} has no version ${version}`);
    out[table] = snap.version;
  }
  return out;
}
