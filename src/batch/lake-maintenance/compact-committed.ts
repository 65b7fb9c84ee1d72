import type { Config } from '../../config/index.js';
import { compactLake, type CompactResult, type Lake } from '../../lake/index.js';
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
    graceMs: config.compactGraceMs,
    compression: config.compression,
    rowGroupRows: config.rowGroupRows,
    fsync: config.fsync,
    nowMs,
  });
}
