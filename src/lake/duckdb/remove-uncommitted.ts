import { readdir, rm } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { LAKE_TABLES, type RemoveUncommittedOptions } from '../lake-table.js';
import { parseLakeFileName } from '../lake-file-names.js';
import { fsyncPath } from './durable-files.js';

const TEMP_MARK = '.tmp-';

/** Whether a file name belongs to the partition and lies at or after the committed position. */
function isUncommitted(name: string, partition: number, committedNextOffset: number): boolean {
  const tempAt = name.indexOf(TEMP_MARK);
  const parsed = parseLakeFileName(tempAt === -1 ? name : name.slice(0, tempAt));
  if (parsed === null || parsed.partition !== partition) return false;
  return tempAt !== -1 || parsed.fromOffset >= committedNextOffset;
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
    if (entry.isDirectory()) await listFiles(path, out);
    else out.push(path);
  }
}

/**
 * Implements `LakeWriter.removeUncommitted` over a lake folder: deletes the partition's files
 * starting at or after `committedNextOffset`, and its abandoned temporary files (any offset).
 */
export async function removeUncommittedFiles(
  dir: string,
  options: RemoveUncommittedOptions,
  durable: boolean,
): Promise<string[]> {
  const removed: string[] = [];
  const touchedDirs = new Set<string>();
  for (const table of options.tables ?? LAKE_TABLES) {
    const files: string[] = [];
    await listFiles(join(dir, table), files);
    for (const file of files) {
      const name = file.slice(file.lastIndexOf(sep) + 1);
      if (!isUncommitted(name, options.partition, options.committedNextOffset)) continue;
      await rm(file, { force: true });
      touchedDirs.add(file.slice(0, file.lastIndexOf(sep)));
      if (!name.includes(TEMP_MARK)) removed.push(relative(dir, file).split(sep).join('/'));
    }
  }
  if (durable) for (const d of touchedDirs) await fsyncPath(d);
  return removed.sort();
}
