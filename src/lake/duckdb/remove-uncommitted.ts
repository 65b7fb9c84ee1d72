import { readdir, rm } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { LakeTableName } from '../lake-table.js';
import { parseLakeFileName } from '../lake-file-names.js';
import { fsyncPath } from './durable-files.js';

const TEMP_MARK = '.tmp-';

/** Whether a file name is a temporary file (`<data file>.tmp-...`) a writer of the partition left. */
function isPartitionTemp(name: string, partition: number): boolean {
  const tempAt = name.indexOf(TEMP_MARK);
  if (tempAt === -1) return false;
  const parsed = parseLakeFileName(name.slice(0, tempAt));
  return parsed !== null && parsed.partition === partition;
}

async function listFiles(dir: string, out: string[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== '_delta_log') await listFiles(path, out);
    } else out.push(path);
  }
}

/**
 * Deletes the temporary files a killed writer of `partition` left in the tables' folders (any
 * offset: no commit ever references a temporary file). Committed and uncommitted data files are
 * the Delta log's business: the latter are garbage that `lake vacuum` removes.
 */
export async function removeAbandonedTempFiles(
  dir: string,
  partition: number,
  tables: readonly LakeTableName[],
  durable: boolean,
): Promise<number> {
  let removed = 0;
  const touchedDirs = new Set<string>();
  for (const table of tables) {
    const files: string[] = [];
    await listFiles(join(dir, table), files);
    for (const file of files) {
      if (!isPartitionTemp(file.slice(file.lastIndexOf(sep) + 1), partition)) continue;
      await rm(file, { force: true });
      touchedDirs.add(file.slice(0, file.lastIndexOf(sep)));
      removed += 1;
    }
  }
  if (durable) for (const d of touchedDirs) await fsyncPath(d);
  return removed;
}
