import { dirname } from 'node:path';
import { LAKE_TABLES, openLake, type LakeTableName } from '../lake/index.js';

export interface TableCensus {
  /** Readable files of the table. */
  readonly files: number;
  readonly bytes: number;
  /** Hive folders (table-hours) holding files. */
  readonly hours: number;
  /** The most readable files in one table-hour (all partitions together). */
  readonly maxFilesPerHour: number;
}

/** Readable files (the latest Delta version's) per table and per table-hour of a lake folder. */
export async function lakeCensus(lakeDir: string): Promise<Record<LakeTableName, TableCensus>> {
  const lake = await openLake({ dir: lakeDir, readOnly: true, threads: 1 });
  const out = {} as Record<LakeTableName, TableCensus>;
  try {
    for (const table of LAKE_TABLES) out[table] = await census(await lake.files.list(table));
  } finally {
    await lake.close();
  }
  return out;
}

function census(files: ReadonlyArray<{ readonly path: string; readonly bytes: number }>): TableCensus {
  {
    const perHour = new Map<string, number>();
    for (const f of files) perHour.set(dirname(f.path), (perHour.get(dirname(f.path)) ?? 0) + 1);
    return {
      files: files.length,
      bytes: files.reduce((n, f) => n + f.bytes, 0),
      hours: perHour.size,
      maxFilesPerHour: Math.max(0, ...perHour.values()),
    };
  }
}
