import { createHash } from 'node:crypto';
import type { LiveFile } from '../../lake/index.js';

/**
 * Results of lake queries keyed by (query, parameters, the exact files read). Lake files are
 * immutable once readable (a flush or compaction adds new names, never rewrites a readable one
 * with other rows), so the same files give the same answer: a hit is always exact. The dashboard
 * asks the same questions every second, while the files change about once a flush.
 */
export class LakeResultCache<T> {
  private readonly entries = new Map<string, T>();

  constructor(private readonly maxEntries = 128) {}

  async get(
    query: string,
    params: readonly unknown[],
    files: readonly LiveFile[],
    compute: () => Promise<T>,
  ): Promise<T> {
    const key = cacheKey(query, params, files);
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const value = await compute();
    this.entries.set(key, value);
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }

  get size(): number {
    return this.entries.size;
  }
}

function cacheKey(query: string, params: readonly unknown[], files: readonly LiveFile[]): string {
  const h = createHash('sha256').update(query).update(JSON.stringify(params));
  for (const f of files) h.update(`${f.path}\0${f.bytes}\n`);
  return h.digest('base64');
}
