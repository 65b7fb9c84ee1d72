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

/** Time travel of one table: a Delta version, or an instant (at most one of the two). */
export interface TableAsOf {
  readonly version?: number | undefined;
  readonly timeMs?: number | undefined;
}

/**
 * The version of each table an `AsOf` means. At a time before a table's first commit the table
 * is empty (EMPTY_VERSION). A version that does not exist is SHOP_LAKE_VERSION_NOT_FOUND.
 */
export async function resolveLakeVersions(lake: Lake, asOf: AsOf): Promise<LakeVersions> {
  const out: Record<string, number> = {};
  if (asOf.timeMs !== undefined) {
    for (const table of LAKE_TABLES) out[table] = await versionAtTime(lake, table, asOf.timeMs);
  }
  for (const [table, version] of Object.entries(asOf.versions ?? {})) {
    if (!(LAKE_TABLES as readonly string[]).includes(table))
      throw new ShopError(
        'SHOP_CLI_BAD_ARGUMENT',
        `no lake table ${table} (tables: ${LAKE_TABLES.join(', ')})`,
      );
    out[table] = await existingVersion(lake, table as LakeTableName, version);
  }
  return out;
}

/**
 * The version of one table a `TableAsOf` means; undefined when it asks for nothing (read the
 * latest). EMPTY_VERSION before the table's first commit (by time); a version the log does not
 * hold is SHOP_LAKE_VERSION_NOT_FOUND.
 */
export async function resolveTableVersion(
  lake: Lake,
  table: LakeTableName,
  asOf: TableAsOf,
): Promise<number | undefined> {
  if (asOf.version !== undefined) return existingVersion(lake, table, asOf.version);
  if (asOf.timeMs !== undefined) return versionAtTime(lake, table, asOf.timeMs);
  return undefined;
}

async function existingVersion(lake: Lake, table: LakeTableName, version: number): Promise<number> {
  const snap = await lake.files.snapshot(table, version);
  if (snap === undefined)
    throw new ShopError('SHOP_LAKE_VERSION_NOT_FOUND', `${table} has no version ${version}`);
  return snap.version;
}

async function versionAtTime(lake: Lake, table: LakeTableName, timeMs: number): Promise<number> {
  const delta = lake.tables[table];
  if (!(await delta.exists()) || (await delta.timestampOf(0)) > timeMs) return EMPTY_VERSION;
  return delta.versionAsOf(timeMs);
}
