import { copyFile, mkdir, readdir, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { ShopError } from '../errors/index.js';

/** What a lake snapshot holds: committed files (relative paths, sizes) and any Delta version pins. */
export interface LakeSnapshot {
  readonly files: ReadonlyArray<{ readonly path: string; readonly bytes: number }>;
  /** Per Delta table folder (relative), the newest `_delta_log/<version>.json` copied. */
  readonly deltaVersions: Readonly<Record<string, number>>;
}

/** In-flight files of the lake writer (write-then-rename) are never part of a snapshot. */
const TEMP_MARK = '.tmp-';
const DELTA_COMMIT = /^(\d{20})\.json$/;

async function walk(dir: string, out: string[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) await walk(path, out);
    else if (e.isFile() && !e.name.includes(TEMP_MARK)) out.push(path);
  }
}

/**
 * Copies the lake's files from `lakeDir` to `toDir`. Lake files are immutable once renamed into
 * place, so a copy taken after the serving-DB snapshot holds every file that snapshot's positions
 * committed; files of later batches are removed as uncommitted when a processor starts on the
 * restored deployment (lake recovery), as after any crash.
 */
export async function snapshotLake(lakeDir: string, toDir: string): Promise<LakeSnapshot> {
  const paths: string[] = [];
  await walk(lakeDir, paths);
  const files = [];
  const deltaVersions: Record<string, number> = {};
  for (const path of paths.sort()) {
    const rel = relative(lakeDir, path);
    await mkdir(dirname(join(toDir, rel)), { recursive: true });
    await copyFile(path, join(toDir, rel));
    files.push({ path: rel.split(sep).join('/'), bytes: (await stat(path)).size });
    const commit = DELTA_COMMIT.exec(rel.split(sep).pop() ?? '');
    if (commit !== null && dirname(rel).endsWith('_delta_log')) {
      const table = dirname(dirname(rel)).split(sep).join('/');
      deltaVersions[table] = Math.max(deltaVersions[table] ?? -1, Number(commit[1]));
    }
  }
  return { files, deltaVersions };
}

/** Copies a snapshot back into `lakeDir`, which must hold no file yet; checks every size. */
export async function restoreLake(fromDir: string, snapshot: LakeSnapshot, lakeDir: string): Promise<void> {
  const existing: string[] = [];
  await walk(lakeDir, existing);
  if (existing.length > 0)
    throw new ShopError(
      'SHOP_CLI_BAD_ARGUMENT',
      `${lakeDir} already holds lake files; restore needs an empty lake`,
    );
  for (const f of snapshot.files) {
    const source = join(fromDir, ...f.path.split('/'));
    const bytes = (await stat(source).catch(() => undefined))?.size;
    if (bytes !== f.bytes)
      throw new ShopError(
        'SHOP_STORE_BACKUP_FAILED',
        `backup lake file ${f.path} is missing or has another size`,
      );
    const target = join(lakeDir, ...f.path.split('/'));
    await mkdir(dirname(target), { recursive: true });
    await copyFile(source, target);
  }
}
