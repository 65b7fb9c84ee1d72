import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { ShopError } from '../../errors/index.js';
import { acquirePidLock } from './pid-lock-file.js';
import { PGLITE_PARSERS } from './type-parsers.js';

/**
 * A consistent copy of an embedded serving store: the folder lock is taken (SHOP_STORE_LOCKED while
 * a shopstream process has it open: stop it first), PGlite opens the database (recovering a crash
 * tail like any start) and writes its data folder as one gzipped tar (`dumpDataDir`).
 */
export async function dumpPgliteDir(dataDir: string, toFile: string): Promise<void> {
  const release = await acquirePidLock(join(dataDir, 'shopstream.lock'));
  try {
    const db = await PGlite.create(join(dataDir, 'pgdata'), { parsers: PGLITE_PARSERS });
    try {
      const tarball = await db.dumpDataDir('gzip');
      await writeFile(toFile, Buffer.from(await tarball.arrayBuffer()));
    } finally {
      await db.close();
    }
  } finally {
    await release();
  }
}

/** Restores a dumpPgliteDir tarball into `dataDir`, which must hold no database yet. */
export async function loadPgliteDir(dataDir: string, fromFile: string): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  const release = await acquirePidLock(join(dataDir, 'shopstream.lock'));
  try {
    const existing = await readdir(join(dataDir, 'pgdata')).catch(() => []);
    if (existing.length > 0)
      throw new ShopError(
        'SHOP_CLI_BAD_ARGUMENT',
        `${dataDir} already holds a serving database; restore needs an empty one`,
      );
    const tarball = new Blob([await readFile(fromFile)]);
    const db = await PGlite.create(join(dataDir, 'pgdata'), {
      parsers: PGLITE_PARSERS,
      loadDataDir: tarball,
    });
    await db.close();
  } finally {
    await release();
  }
}
