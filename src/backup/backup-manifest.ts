import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ShopError } from '../errors/index.js';
import type { LakeSnapshot } from './lake-snapshot.js';

/** `manifest.json` of a backup folder: what it holds, written last (a folder without it is incomplete). */
export interface BackupManifest {
  readonly format: 'shopstream-backup';
  readonly version: 1;
  readonly createdAt: string;
  readonly store: {
    readonly kind: 'pglite' | 'postgres';
    /** `serving.tar.gz` (PGlite dumpDataDir) or `serving.dump` (pg_dump custom format). */
    readonly file: string;
    /** Migrations applied at backup time. */
    readonly migrations: readonly string[];
  };
  /** null = taken with --no-lake. */
  readonly lake: (LakeSnapshot & { readonly dir: 'lake' }) | null;
}

const NAME = 'manifest.json';

export async function writeManifest(dir: string, manifest: BackupManifest): Promise<void> {
  await writeFile(join(dir, NAME), JSON.stringify(manifest, null, 2) + '\n');
}

export async function readManifest(dir: string): Promise<BackupManifest> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(join(dir, NAME), 'utf8'));
  } catch (err) {
    throw new ShopError(
      'SHOP_STORE_BACKUP_FAILED',
      `${dir} has no readable ${NAME} (not a backup, or incomplete)`,
      {
        cause: err,
      },
    );
  }
  const m = parsed as Partial<BackupManifest>;
  if (m.format !== 'shopstream-backup' || m.version !== 1 || m.store === undefined)
    throw new ShopError(
      'SHOP_STORE_BACKUP_FAILED',
      `${dir}/${NAME} is not a shopstream backup manifest (version 1)`,
    );
  return m as BackupManifest;
}
