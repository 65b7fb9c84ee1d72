import { randomInt } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, link, mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LakeStorage, ListOptions, StoredObject } from './lake-storage.js';
import {
  assertValidKey,
  assertValidPrefix,
  compareKeys,
  isTemporaryName,
  storageError,
  temporaryName,
} from './storage-keys.js';

export interface LocalLakeStorageOptions {
  /** fsync every written file and its folder before a write returns (default true). */
  readonly fsync?: boolean;
}

/** Error codes meaning "no such object" (a folder, or a path through a file, is not an object). */
const MISSING = new Set(['ENOENT', 'ENOTDIR', 'EISDIR']);
/** How many stat/unlink calls list and delete run at once. */
const FILE_CONCURRENCY = 64;

const errorCode = (err: unknown): string | undefined => (err as NodeJS.ErrnoException | null)?.code;

/**
 * The lake storage on a local folder: key `a/b/c` is the file `<rootDir>/a/b/c`. Writes go to a
 * temporary file in the same folder (`<name>.tmp-<pid>-<n>`, never listed), which is fsynced and
 * then renamed (write, writeFile) or hard-linked (putIfAbsent: `link` fails with EEXIST when the
 * key exists, so exactly one of concurrent creators wins); then the folder is fsynced. A crash
 * may leave temporary files behind, never a partial object. A key cannot also be a folder of
 * other keys (`a` and `a/b`): the second write fails with SHOP_LAKE_STORAGE_FAILED.
 */
export class LocalLakeStorage implements LakeStorage {
  readonly url: string;
  readonly #root: string;
  readonly #fsync: boolean;
  #tempSequence = randomInt(2 ** 31);

  constructor(rootDir: string, options: LocalLakeStorageOptions = {}) {
    this.#root = resolve(rootDir);
    this.#fsync = options.fsync ?? true;
    this.url = pathToFileURL(this.#root).href;
  }

  async list(prefix: string, options: ListOptions = {}): Promise<StoredObject[]> {
    assertValidPrefix(prefix);
    const limit = options.limit ?? Infinity;
    if (limit <= 0) return [];
    const folder = prefix.slice(0, prefix.lastIndexOf('/') + 1);
    const keys = await this.#guard('list', prefix, () => this.#walk(folder, prefix));
    const after = options.startAfter;
    const wanted = keys
      .sort(compareKeys)
      .filter((key) => after === undefined || compareKeys(key, after) > 0)
      .slice(0, limit);
    const found = await inBatches(wanted, (key) => this.#guard('list', key, () => this.#stat(key)));
    return found.filter((object) => object !== null);
  }

  async read(key: string): Promise<Uint8Array | null> {
    const path = this.localPath(key);
    return this.#guard('read', key, async () => {
      try {
        return new Uint8Array(await readFile(path));
      } catch (err) {
        if (MISSING.has(errorCode(err) ?? '')) return null;
        throw err;
      }
    });
  }

  async head(key: string): Promise<StoredObject | null> {
    assertValidKey(key);
    return this.#guard('head', key, () => this.#stat(key));
  }

  async write(key: string, bytes: Uint8Array): Promise<void> {
    const path = this.localPath(key);
    await this.#guard('write', key, async () => {
      const temp = await this.#writeTemp(path, bytes);
      await this.#renameOrUnlink(temp, path);
    });
  }

  async writeFile(key: string, localPath: string): Promise<void> {
    const path = this.localPath(key);
    await this.#guard('writeFile', key, async () => {
      const temp = await this.#tempPath(path);
      try {
        await copyFile(localPath, temp, constants.COPYFILE_EXCL);
        if (this.#fsync) await fsyncPath(temp, 'r');
      } catch (err) {
        await unlinkQuietly(temp);
        throw err;
      }
      await this.#renameOrUnlink(temp, path);
    });
  }

  async putIfAbsent(key: string, bytes: Uint8Array): Promise<boolean> {
    const path = this.localPath(key);
    return this.#guard('putIfAbsent', key, async () => {
      const temp = await this.#writeTemp(path, bytes);
      try {
        await link(temp, path);
      } catch (err) {
        if (errorCode(err) === 'EEXIST') return false;
        throw err;
      } finally {
        await unlinkQuietly(temp);
      }
      await this.#syncFolder(dirname(path));
      return true;
    });
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (const key of keys) assertValidKey(key);
    const folders = new Set<string>();
    await inBatches(keys, (key) =>
      this.#guard('delete', key, async () => {
        const path = this.localPath(key);
        try {
          await unlink(path);
          folders.add(dirname(path));
        } catch (err) {
          if (!MISSING.has(errorCode(err) ?? '')) throw err;
        }
      }),
    );
    await inBatches([...folders], (folder) => this.#guard('delete', folder, () => this.#syncFolder(folder)));
  }

  localPath(key: string): string {
    assertValidKey(key);
    return join(this.#root, ...key.split('/'));
  }

  async close(): Promise<void> {}

  /** Keys below `folder` (a `/`-terminated key prefix, or '') that start with `prefix`. */
  async #walk(folder: string, prefix: string): Promise<string[]> {
    let entries;
    try {
      entries = await readdir(join(this.#root, ...folder.split('/')), { withFileTypes: true });
    } catch (err) {
      if (MISSING.has(errorCode(err) ?? '')) return [];
      throw err;
    }
    const keys: string[] = [];
    for (const entry of entries) {
      const key = folder + entry.name;
      if (entry.isDirectory()) {
        const below = `${key}/`;
        if (below.startsWith(prefix) || prefix.startsWith(below))
          keys.push(...(await this.#walk(below, prefix)));
      } else if (entry.isFile() && key.startsWith(prefix) && !isTemporaryName(entry.name)) {
        keys.push(key);
      }
    }
    return keys;
  }

  async #stat(key: string): Promise<StoredObject | null> {
    try {
      const info = await stat(this.localPath(key));
      return info.isFile() ? { key, size: info.size, modifiedMs: Math.floor(info.mtimeMs) } : null;
    } catch (err) {
      if (MISSING.has(errorCode(err) ?? '')) return null;
      throw err;
    }
  }

  /** A fresh temporary path beside `path`, its folder created. */
  async #tempPath(path: string): Promise<string> {
    await mkdir(dirname(path), { recursive: true });
    this.#tempSequence = (this.#tempSequence + 1) % 2 ** 31;
    return join(dirname(path), temporaryName(basename(path), this.#tempSequence));
  }

  /** Writes `bytes` to a new temporary file beside `path` (fsynced), and returns its path. */
  async #writeTemp(path: string, bytes: Uint8Array): Promise<string> {
    const temp = await this.#tempPath(path);
    const file = await open(temp, 'wx');
    try {
      await file.writeFile(bytes);
      if (this.#fsync) await file.sync();
    } catch (err) {
      await file.close();
      await unlinkQuietly(temp);
      throw err;
    }
    await file.close();
    return temp;
  }

  async #renameOrUnlink(temp: string, path: string): Promise<void> {
    try {
      await rename(temp, path);
    } catch (err) {
      await unlinkQuietly(temp);
      throw err;
    }
    await this.#syncFolder(dirname(path));
  }

  async #syncFolder(folder: string): Promise<void> {
    if (this.#fsync) await fsyncPath(folder, 'r');
  }

  async #guard<T>(operation: string, key: string, body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (err) {
      throw storageError(operation, this.url, key, err);
    }
  }
}

async function fsyncPath(path: string, flags: string): Promise<void> {
  const handle = await open(path, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** `fn` over `items`, FILE_CONCURRENCY at a time, results in the order of `items`. */
async function inBatches<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += FILE_CONCURRENCY) {
    results.push(...(await Promise.all(items.slice(i, i + FILE_CONCURRENCY).map(fn))));
  }
  return results;
}

async function unlinkQuietly(path: string): Promise<void> {
  await unlink(path).catch(() => undefined);
}
