import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isProcessAlive } from '../../system/process-alive.js';

/**
 * One lake maintenance job (compaction) at a time per lake folder, across processes: the lock is
 * a file created exclusively, holding the owner's pid. A lock whose process is gone (a crash) is
 * taken over. Returns a release function, or undefined when another live process holds it.
 */
export async function tryLockMaintenance(lakeDir: string): Promise<(() => Promise<void>) | undefined> {
  const path = join(lakeDir, '.maintenance.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return async () => undefined; // no lake yet
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(await readFile(path, 'utf8').catch(() => ''));
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isProcessAlive(pid)) return undefined;
      await rm(path, { force: true });
    }
  }
  return undefined;
}
