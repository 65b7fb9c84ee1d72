import { dirname } from 'node:path';
import { LAKE_TABLES, LakeFileIndex, type LakeTableName } from '../lake/index.js';

export interface TableCensus {
  /** Readable files of the table. */
  readonly files: number;
  readonly bytes: number;
  /** Hive folders (table-hours) holding files. */
  readonly hours: number;
  /** The most readable files in one table-hour (all partitions together). */
  readonly maxFilesPerHour: number;
}

/** Readable files per table and per table-hour of a lake folder. */
export async function lakeCensus(lakeDir: string): Promise<Record<LakeTableName, TableCensus>> {
  const index = new LakeFileIndex(lakeDir);
  const out = {} as Record<LakeTableName, TableCensus>;
  for (const table of LAKE_TABLES) {
    const files = await index.list(table);
    const perHour = new Map<string, number>();
    for (const f of files) perHour.set(dirname(f.path), (perHour.get(dirname(f.path)) ?? 0) + 1);
    out[table] = {
      files: files.length,
      bytes: files.reduce((n, f) => n + f.bytes, 0),
      hours: perHour.size,
      maxFilesPerHour: Math.max(0, ...perHour.values()),
    };
  }
  return out;
}
