import { createHash } from 'node:crypto';

export type ApiRole = 'viewer' | 'admin';
/** Who the caller is: a role from a valid key, or anonymous. */
export type Caller = ApiRole | 'anonymous';

/**
 * The API keys, held only as sha256 hex digests. A configured key is either `sha256:<hex>` (the
 * digest itself, so the plain key never sits in a config file) or a plain value hashed here at load.
 * Lookup hashes the presented key, so plain keys are never compared or kept.
 */
export class ApiKeyStore {
  private readonly roles = new Map<string, ApiRole>();

  constructor(keys: { adminKeys: string; viewerKeys: string }) {
    for (const digest of parseKeyList(keys.viewerKeys)) this.roles.set(digest, 'viewer');
    for (const digest of parseKeyList(keys.adminKeys)) this.roles.set(digest, 'admin');
  }

  /** The role of a presented plain key, or undefined when it is not a known key. */
  roleOf(plainKey: string): ApiRole | undefined {
    return this.roles.get(sha256Hex(plainKey));
  }

  get size(): number {
    return this.roles.size;
  }
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

const DIGEST = /^sha256:([0-9a-f]{64})$/i;

function parseKeyList(list: string): string[] {
  return list
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k.length > 0)
    .map((k) => DIGEST.exec(k)?.[1]?.toLowerCase() ?? sha256Hex(k));
}

/** The key a request presents: `x-api-key: <key>` or `authorization: Bearer <key>`. */
export function presentedKey(
  headers: Readonly<Record<string, string | string[] | undefined>>,
): string | undefined {
  const direct = headers['x-api-key'];
  if (typeof direct === 'string' && direct.length > 0) return direct;
  const auth = headers['authorization'];
  if (typeof auth !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(auth);
  return match?.[1];
}
