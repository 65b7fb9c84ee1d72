import { open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ShopError } from '../../errors/index.js';

/**
 * Replaces `path` with `data` atomically: write a temp file, fsync it, rename over `path`, fsync the
 * folder. A crash leaves either the old or the new content, never a mix.
 */
export async function writeFileAtomic(path: string, data: string | Buffer): Promise<void> {
  const temp = `${path}.tmp-${process.pid}`;
  try {
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
    await syncDirectory(dirname(path));
  } catch (cause) {
    await unlink(temp).catch(() => undefined);
    throw new ShopError('SHOP_LOG_IO', `cannot write ${path}`, { cause });
  }
}

/** fsyncs a folder so a created, renamed or deleted entry survives a power loss. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
