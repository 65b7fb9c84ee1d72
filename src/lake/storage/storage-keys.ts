import { ShopError } from '../../errors/index.js';

/**
 * Key rules shared by every lake storage adapter, so that a key means the same object in a folder
 * and in a bucket. A key is canonical: `/`-separated, not empty, no leading or trailing `/`, no
 * empty, `.` or `..` segment, no backslash, no NUL, and no `.tmp-` in its name (reserved for the
 * local adapter's temporary files).
 */
const RESERVED_TEMP_MARK = '.tmp-';

/** Throws SHOP_LAKE_STORAGE_BAD_KEY unless `key` is canonical (see above). */
export function assertValidKey(key: string): void {
  if (key === '') throw badKey(key, 'the key is empty');
  checkFolder(key, key.split('/'));
  const name = key.slice(key.lastIndexOf('/') + 1);
  if (name.includes(RESERVED_TEMP_MARK)) throw badKey(key, `'${RESERVED_TEMP_MARK}' is reserved`);
}

/**
 * Throws SHOP_LAKE_STORAGE_BAD_KEY unless `prefix` is '' or a canonical folder (`a/b/`) followed by
 * any start of a name (`a/b/000`): the part before the last `/` follows the key rules.
 */
export function assertValidPrefix(prefix: string): void {
  const slash = prefix.lastIndexOf('/');
  checkChars(prefix, prefix);
  if (slash >= 0) checkFolder(prefix, prefix.slice(0, slash).split('/'));
}

/** Ascending byte order of the UTF-8 keys (S3's order; JS `<` compares UTF-16 units instead). */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** True for the local adapter's temporary file names (`<name>.tmp-<pid>-<n>`). */
export function isTemporaryName(name: string): boolean {
  return name.includes(RESERVED_TEMP_MARK);
}

/** The temporary name of a local write of `name`. */
export function temporaryName(name: string, sequence: number): string {
  return `${name}${RESERVED_TEMP_MARK}${process.pid}-${sequence}`;
}

function checkFolder(key: string, segments: string[]): void {
  checkChars(key, key);
  if (key.startsWith('/')) throw badKey(key, 'the key is absolute');
  for (const segment of segments) {
    if (segment === '') throw badKey(key, 'the key has an empty segment');
    if (segment === '.' || segment === '..') throw badKey(key, `the key has a '${segment}' segment`);
  }
}

function checkChars(key: string, text: string): void {
  if (text.includes('\\')) throw badKey(key, 'the key contains a backslash');
  if (text.includes('\0')) throw badKey(key, 'the key contains a NUL character');
}

function badKey(key: string, reason: string): ShopError {
  return new ShopError(
    'SHOP_LAKE_STORAGE_BAD_KEY',
    `invalid lake storage key ${JSON.stringify(key)}: ${reason}`,
    {
      details: { key },
    },
  );
}

/** A failed storage operation, with the storage URL and the key (or prefix) in the details. */
export function storageError(operation: string, url: string, key: string, cause: unknown): ShopError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new ShopError(
    'SHOP_LAKE_STORAGE_FAILED',
    `${operation} ${JSON.stringify(key)} in ${url}: ${reason}`,
    {
      cause,
      details: { operation, storage: url, key },
    },
  );
}
