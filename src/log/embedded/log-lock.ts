import { open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ShopError } from '../../errors/index.js';
import { isProcessAlive } from '../../system/process-alive.js';

/**
 * One writer per log folder: `<dir>/LOCK` holds the writer's pid. A lock whose pid is no longer
 * alive (a crashed writer) is taken over; a live one is refused with SHOP_LOG_LOCKED.
 */
export async function acquireLogLock(dir: string): Promise<{ release(): Promise<void> }> {
  const path = join(dir, 'LOCK');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(`${process.pid}\n`);
      await handle.sync();
      await handle.close();
      return { release: () => unlink(path).catch(() => undefined) };
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new ShopError('SHOP_LOG_IO', `cannot create ${path}`, { cause });
      }
    }
    const holder = await readHolder(path);
    if (holder !== undefined && isProcessAlive(holder)) {
      throw new ShopError('SHOP_LOG_LOCKED', `${dir} is locked by live process ${holder}`, {
        details: { pid: holder, path },
      });
    }
    await unlink(path).catch(() => undefined);
  }
  throw new ShopError('SHOP_LOG_LOCKED', `${dir}: lost the race for ${path}`, { details: { path } });
}

async function readHolder(path: string): Promise<number | undefined> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}
