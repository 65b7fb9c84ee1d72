import { open, readFile, unlink } from 'node:fs/promises';
import { ShopError } from '../../errors/index.js';
import { isProcessAlive } from '../../system/process-alive.js';

/**
 * An exclusive lock on a folder: a file holding the owner's pid, created with O_EXCL. A lock whose
 * pid is no longer alive is stale and taken over; a live one (this process included) is refused
 * with SHOP_STORE_LOCKED. Returns the function that releases the lock.
 */
export async function acquirePidLock(path: string): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    if (await tryCreate(path)) return () => releasePidLock(path);
    const holder = await readPid(path);
    if (holder !== undefined && isProcessAlive(holder)) {
      throw new ShopError('SHOP_STORE_LOCKED', `${path} is held by live process ${holder}`, {
        details: { path, pid: holder },
      });
    }
    await unlink(path).catch(() => undefined);
  }
  throw new ShopError('SHOP_STORE_LOCKED', `${path} could not be taken over`, { details: { path } });
}

async function tryCreate(path: string): Promise<boolean> {
  try {
    const handle = await open(path, 'wx');
    try {
      await handle.writeFile(`${process.pid}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new ShopError('SHOP_STORE_UNAVAILABLE', `cannot create lock file ${path}`, {
      cause: err,
      details: { path },
    });
  }
}

async function releasePidLock(path: string): Promise<void> {
  if ((await readPid(path)) === process.pid) await unlink(path).catch(() => undefined);
}

async function readPid(path: string): Promise<number | undefined> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}
