import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ShopError } from '../errors/index.js';
import { dumpPgliteDir, loadPgliteDir } from '../store/pglite/pglite-data-dir.js';
import { pgDump, pgRestore } from '../store/postgres/pg-dump.js';
import type { PgSslSettings } from '../store/postgres/ssl-options.js';
import { readManifest, writeManifest, type BackupManifest } from './backup-manifest.js';
import { restoreLake, snapshotLake } from './lake-snapshot.js';

/** Where a deployment keeps its state, from the configuration (composed by the CLI). */
export interface BackupTarget {
  readonly store:
    | { readonly kind: 'pglite'; readonly dataDir: string }
    | { readonly kind: 'postgres'; readonly url: string; readonly ssl: PgSslSettings };
  /** undefined = the lake is not part of this backup (--no-lake). */
  readonly lakeDir: string | undefined;
}

const STORE_FILE = { pglite: 'serving.tar.gz', postgres: 'serving.dump' } as const;

/**
 * 1. the serving database (PGlite: a copy under its lock; PostgreSQL: pg_dump, one snapshot),
 * 2. then the lake files (a superset of what step 1's positions committed, see lake-snapshot.ts),
 * 3. the manifest last: a folder without one is an incomplete backup. `outDir` must be empty.
 */
export async function createBackup(
  target: BackupTarget,
  outDir: string,
  o: { nowMs: number; migrations: readonly string[] },
): Promise<BackupManifest> {
  await mkdir(outDir, { recursive: true });
  if ((await readdir(outDir)).length > 0)
    throw new ShopError('SHOP_CLI_BAD_ARGUMENT', `backup folder ${outDir} is not empty`);
  const file = STORE_FILE[target.store.kind];
  if (target.store.kind === 'pglite') await dumpPgliteDir(target.store.dataDir, join(outDir, file));
  else await pgDump(target.store.url, target.store.ssl, join(outDir, file));
  const lake =
    target.lakeDir === undefined
      ? null
      : { dir: 'lake' as const, ...(await snapshotLake(target.lakeDir, join(outDir, 'lake'))) };
  const manifest: BackupManifest = {
    format: 'shopstream-backup',
    version: 1,
    createdAt: new Date(o.nowMs).toISOString(),
    store: { kind: target.store.kind, file, migrations: [...o.migrations] },
    lake,
  };
  await writeManifest(outDir, manifest);
  return manifest;
}

/**
 * Restores into an empty deployment: the serving database (the caller checked it is empty and
 * migrates afterwards, which re-grants the roles), then the lake. The backup's store kind must be
 * the target's (a PGlite backup does not restore into PostgreSQL, nor the reverse).
 */
export async function restoreBackup(target: BackupTarget, fromDir: string): Promise<BackupManifest> {
  const manifest = await readManifest(fromDir);
  if (manifest.store.kind !== target.store.kind)
    throw new ShopError(
      'SHOP_STORE_BACKUP_FAILED',
      `the backup holds a ${manifest.store.kind} store; this deployment uses ${target.store.kind}`,
    );
  const file = join(fromDir, manifest.store.file);
  if (target.store.kind === 'pglite') await loadPgliteDir(target.store.dataDir, file);
  else await pgRestore(target.store.url, target.store.ssl, file);
  if (target.lakeDir !== undefined && manifest.lake !== null)
    await restoreLake(join(fromDir, manifest.lake.dir), manifest.lake, target.lakeDir);
  return manifest;
}
