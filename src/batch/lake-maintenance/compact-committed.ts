import type { Config } from '../../config/index.js';
import {
  compactLake,
  LAKE_TABLES,
  vacuumTable,
  type CompactResult,
  type Lake,
  type VacuumResult,
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

/**
 * Vacuums every table of the lake: deletes data files unreferenced for longer than the retention
 * (`lake.vacuumRetainHours` unless given). `shopstream lake vacuum` and the `lake.compaction`
 * asset (after each compaction) both run this.
 */
export async function vacuumLake(
  lake: Lake,
  options: { retainHours: number; dryRun?: boolean; nowMs?: number },
): Promise<VacuumResult[]> {
  const results: VacuumResult[] = [];
  for (const table of LAKE_TABLES) results.push(await vacuumTable(lake.tables[table], table, options));
  return results;
}
