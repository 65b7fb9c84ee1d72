import { stat } from 'node:fs/promises';
import { readWriteKeyFile, sha256Hex, type WriteKeyRecord } from './write-key-file.js';

/** Who sent a request: a valid write key's record, or nobody (no key presented). */
export type KeyLookup =
  | { readonly kind: 'key'; readonly key: WriteKeyRecord }
  | { readonly kind: 'none' }
  | { readonly kind: 'unknown' };

/**
 * Looks presented keys up by sha256 among the active keys of the key file. The file is re-read
 * when its mtime changed, checked at most every `reloadIntervalMs`, so `keys revoke` takes effect
 * in a running collector within that interval. A file that turns unreadable keeps the last good
 * keys (the error is reported through `onReloadFailed`).
 */
export class WriteKeyResolver {
  private byDigest = new Map<string, WriteKeyRecord>();
  private checkedAtMs = -Infinity;
  private mtimeMs = -1;
  private reloading: Promise<void> | undefined;

  constructor(
    private readonly path: string,
    private readonly reloadIntervalMs = 1000,
    private readonly onReloadFailed: (err: unknown) => void = () => undefined,
  ) {}

  async lookup(plainKey: string | undefined, nowMs: number): Promise<KeyLookup> {
    if (plainKey === undefined || plainKey === '') return { kind: 'none' };
    // Concurrent lookups share one reload and all wait for it (a lookup during the first load
    // must not see the empty initial map).
    if (this.reloading === undefined && nowMs - this.checkedAtMs >= this.reloadIntervalMs) {
      this.reloading = this.reload(nowMs).finally(() => (this.reloading = undefined));
    }
    if (this.reloading !== undefined) await this.reloading;
    const key = this.byDigest.get(sha256Hex(plainKey));
    return key === undefined ? { kind: 'unknown' } : { kind: 'key', key };
  }

  private async reload(nowMs: number): Promise<void> {
    this.checkedAtMs = nowMs;
    try {
      const mtimeMs = await stat(this.path).then(
        (s) => s.mtimeMs,
        () => 0,
      );
      if (mtimeMs === this.mtimeMs) return;
      const content = await readWriteKeyFile(this.path);
      this.byDigest = new Map(content.keys.filter((k) => k.revokedAt === null).map((k) => [k.sha256, k]));
      this.mtimeMs = mtimeMs;
    } catch (err) {
      this.onReloadFailed(err);
    }
  }
}

/** The write key of a request: HTTP Basic user name (password ignored, usually empty). */
export function basicAuthUser(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization);
  if (match === null) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon === -1 ? decoded : decoded.slice(0, colon);
}
