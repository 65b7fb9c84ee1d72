import type { Config } from '../../config/index.js';
import {
  compactLake,
  LAKE_TABLES,
  vacuumTable,
  truncateLog,
  type CompactResult,
  type Lake,
  type VacuumResult,
  type LogCleanupResult,
} from '../../lake/index.js';
import { readPositions, type ServingStore } from '../../store/index.js';

/**
 * Compacts the lake's small files up to the lake positions recorded in the serving DB (files at
 * or past them are not committed and are left alone). `shopstream lake compact` and the
 * `lake.compaction` asset of the orchestrator both run this.
 */
export async function compactCommitted(
  lake: Lake,
  store: ServingStore,
  topic: string,
  config: Readonly<Config['lake']>,
  nowMs = Date.now(),
): Promise<CompactResult> {
  const positions = await readPositions(store, topic);
  return compactLake(lake, {
    committedNextOffsets: new Map(positions.map((p) => [p.partition, p.lakeNextOffset])),
    minFiles: config.compactMinFiles,
    targetBytes: config.compactTargetBytes,
    compression: config.compression,
    rowGroupRows: config.compactRowGroupRows,
    fsync: config.fsync,
    nowMs,
  });
}

/** One table's vacuum: its data files, then its log. */
export type LakeVacuumResult = VacuumResult & Omit<LogCleanupResult, 'table'>;

/**
 * Per table: the data files unreferenced for longer than `retainHours` (vacuumTable), then the
 * log's commits before the newest checkpoint older than `logRetainHours` (truncateLog).
 */
export async function vacuumLake(
  lake: Lake,
  options: { retainHours: number; logRetainHours: number; dryRun?: boolean; nowMs?: number },
): Promise<LakeVacuumResult[]> {
  const results: LakeVacuumResult[] = [];
  for (const table of LAKE_TABLES) {
    const delta = lake.tables[table];
    const files = await vacuumTable(delta, table, options);
    const log = await truncateLog(delta, table, { ...options, retainHours: options.logRetainHours });
    results.push({ ...files, earliestVersion: log.earliestVersion, logFilesDeleted: log.logFilesDeleted });
  }
  return results;
}
