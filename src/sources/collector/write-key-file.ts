import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ShopError } from '../../errors/index.js';

/**
 * Write keys live in one small JSON file (`<dataDir>/keys.json`), holding only sha256 digests:
 * the plain key is shown once, by `keys create`. Each key is scoped to a source (its name becomes
 * the events' `source`). The file is replaced atomically (temp file, fsync, rename), so a reader
 * never sees half of it.
 */
export interface WriteKeyRecord {
  readonly id: string;
  readonly source: string;
  readonly sha256: string;
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

export interface WriteKeyFileContent {
  readonly version: 1;
  readonly keys: readonly WriteKeyRecord[];
}

const SOURCE_NAME = /^[A-Za-z0-9._-]{1,64}$/;

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** The file's keys; a missing file is an empty list. */
export async function readWriteKeyFile(path: string): Promise<WriteKeyFileContent> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, keys: [] };
    throw new ShopError('SHOP_COLLECTOR_KEYS_FILE', `cannot read ${path}`, { cause: err });
  }
  return parseWriteKeyFile(text, path);
}

function parseWriteKeyFile(text: string, path: string): WriteKeyFileContent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ShopError('SHOP_COLLECTOR_KEYS_FILE', `${path} is not valid JSON`, { cause: err });
  }
  const keys = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || !keys.every(isRecord))
    throw new ShopError('SHOP_COLLECTOR_KEYS_FILE', `${path} does not hold a list of write keys`);
  return { version: 1, keys };
}

function isRecord(v: unknown): v is WriteKeyRecord {
  const r = v as Partial<WriteKeyRecord> | null;
  return (
    typeof r?.id === 'string' &&
    typeof r.source === 'string' &&
    typeof r.sha256 === 'string' &&
    typeof r.createdAt === 'string' &&
    (r.revokedAt === null || typeof r.revokedAt === 'string')
  );
}

export async function writeWriteKeyFile(path: string, content: WriteKeyFileContent): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true });
    const handle = await open(tmp, 'w', 0o600);
    try {
      await handle.writeFile(JSON.stringify(content, null, 2) + '\n');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (err) {
    throw new ShopError('SHOP_COLLECTOR_KEYS_FILE', `cannot write ${path}`, { cause: err });
  }
}

/** A new key for `source`: the updated content and the plain key (shown once, never stored). */
export function addWriteKey(
  content: WriteKeyFileContent,
  source: string,
  nowMs: number,
): { content: WriteKeyFileContent; key: string; record: WriteKeyRecord } {
  if (!SOURCE_NAME.test(source))
    throw new ShopError('SHOP_CLI_BAD_ARGUMENT', 'a source name is 1-64 characters of A-Z a-z 0-9 . _ -');
  const key = `ssk_${randomBytes(24).toString('base64url')}`;
  const record: WriteKeyRecord = {
    id: `wk_${randomBytes(6).toString('hex')}`,
    source,
    sha256: sha256Hex(key),
    createdAt: new Date(nowMs).toISOString(),
    revokedAt: null,
  };
  return { content: { version: 1, keys: [...content.keys, record] }, key, record };
}

/** Marks key `id` revoked (idempotent); SHOP_COLLECTOR_KEY_NOT_FOUND when no key has that id. */
export function revokeWriteKey(content: WriteKeyFileContent, id: string, nowMs: number): WriteKeyFileContent {
  if (!content.keys.some((k) => k.id === id))
    throw new ShopError('SHOP_COLLECTOR_KEY_NOT_FOUND', `no write key has id ${id}`);
  const revokedAt = new Date(nowMs).toISOString();
  return {
    version: 1,
    keys: content.keys.map((k) => (k.id === id && k.revokedAt === null ? { ...k, revokedAt } : k)),
  };
}
