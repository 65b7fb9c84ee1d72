import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, relative, sep } from 'node:path';

/** fsyncs a file or folder (a folder sync makes the entries created or renamed in it durable). */
export async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Creates `dir` (and missing parents up to `root`); with `durable`, fsyncs every folder whose
 * entry list changed, so the new folders survive a crash.
 */
export async function makeDirDurable(dir: string, root: string, durable: boolean): Promise<void> {
  const firstCreated = await mkdir(dir, { recursive: true });
  if (!durable || firstCreated === undefined) return;
  const depth = relative(dirname(firstCreated), dir).split(sep).length;
  let current = dir;
  for (let i = 0; i < depth && current.startsWith(root); i++) {
    current = dirname(current);
    await fsyncPath(current);
  }
}

/** Moves a finished temporary file into place; with `durable`, syncs it first and its folder after. */
export async function publishFile(tempPath: string, finalPath: string, durable: boolean): Promise<void> {
  if (durable) await fsyncPath(tempPath);
  await rename(tempPath, finalPath);
  if (durable) await fsyncPath(dirname(finalPath));
}

export async function removeQuietly(path: string): Promise<void> {
  await rm(path, { force: true });
}
