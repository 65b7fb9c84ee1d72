import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ShopError } from '../../errors/index.js';
import { writeFileAtomic } from './atomic-file.js';

/**
 * Consumer-group offsets: `<dir>/groups/<group>/<topic>.json` = `{"<partition>": nextOffset}`
 * (names URI-encoded). A commit merges into the stored map and replaces the file atomically.
 */
export class GroupOffsetsStore {
  constructor(private readonly groupsDir: string) {}

  private path(group: string, topic: string): string {
    return join(this.groupsDir, encodeURIComponent(group), `${encodeURIComponent(topic)}.json`);
  }

  async read(group: string, topic: string): Promise<Map<number, number>> {
    let text: string;
    try {
      text = await readFile(this.path(group, topic), 'utf8');
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
      throw new ShopError('SHOP_LOG_IO', `cannot read offsets of group ${group}`, { cause });
    }
    const doc = JSON.parse(text) as Record<string, number>;
    return new Map(Object.entries(doc).map(([p, o]) => [Number(p), o]));
  }

  async commit(group: string, topic: string, offsets: ReadonlyMap<number, number>): Promise<void> {
    const merged = await this.read(group, topic);
    for (const [partition, offset] of offsets) merged.set(partition, offset);
    await mkdir(join(this.groupsDir, encodeURIComponent(group)), { recursive: true });
    const doc = Object.fromEntries([...merged].sort(([a], [b]) => a - b).map(([p, o]) => [String(p), o]));
    await writeFileAtomic(this.path(group, topic), JSON.stringify(doc) + '\n');
  }
}
