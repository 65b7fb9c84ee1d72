import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { HIVE_COLUMNS } from './table-columns.js';
import { HOUR_MS, parseLakeFileName } from './lake-file-names.js';
import type { LakeTableName } from './lake-table.js';

/** A readable file of a lake before Delta. */
export interface LegacyFile {
  /** Absolute path. */
  readonly path: string;
  readonly partition: number;
  readonly fromOffset: number;
  readonly toOffset: number;
  /** Hour since the epoch (UTC) of the file's hive folder. */
  readonly hour: number;
  readonly bytes: number;
}

interface CachedFolder {
  readonly mtimeNs: bigint;
  readonly entries: readonly string[];
}

const DATE_PART = /^(\d{4}-\d{2}-\d{2})$/;

/**
 * The readable files of a lake table of shopstream before Delta (plain Parquet in hive folders),
 * listed from its hive folders; `shopstream lake convert` commits them into a Delta log. A file is readable unless a
 * compacted file of the same partition and folder covers its whole offset range (compaction
 * publishes the merged file, then renames the inputs `*.superseded-<ms>`: between the two steps,
 * or after a crash there, this rule is what keeps a row from being read twice). Temporary and
 * superseded files never match. Folder listings are cached by the folder's mtime (adding,
 * removing or renaming a file changes it), so listing a long-lived lake costs one stat per folder.
 */
export class LegacyLakeFiles {
  private readonly folders = new Map<string, CachedFolder>();

  constructor(readonly dir: string) {}

  async list(
    table: LakeTableName,
    options: { readonly fromMs?: number; readonly toMs?: number; readonly partition?: number } = {},
  ): Promise<LegacyFile[]> {
    const [dateCol, hourCol] = HIVE_COLUMNS[table];
    const fromHour = options.fromMs === undefined ? -Infinity : Math.floor(options.fromMs / HOUR_MS);
    const toHour = options.toMs === undefined ? Infinity : Math.ceil(options.toMs / HOUR_MS) - 1;
    const out: LegacyFile[] = [];
    const tableDir = join(this.dir, table);
    for (const dateName of await this.entries(tableDir)) {
      const date = parseHivePart(dateName, dateCol, DATE_PART);
      if (date === null) continue;
      const dayHour = Date.parse(`${date}T00:00:00Z`) / HOUR_MS;
      if (dayHour + 23 < fromHour || dayHour > toHour) continue;
      const dateDir = join(tableDir, dateName);
      for (const hourName of await this.entries(dateDir)) {
        const hh = parseHivePart(hourName, hourCol, /^(\d{2})$/);
        if (hh === null) continue;
        const hour = dayHour + Number(hh);
        if (hour < fromHour || hour > toHour) continue;
        const folder = join(dateDir, hourName);
        out.push(...(await this.readableIn(folder, hour, options.partition)));
      }
    }
    return out.sort((a, b) => a.hour - b.hour || a.partition - b.partition || a.fromOffset - b.fromOffset);
  }

  /** Forgets cached listings (after this process changed files faster than mtime resolution). */
  invalidate(): void {
    this.folders.clear();
  }

  private async readableIn(folder: string, hour: number, partition?: number): Promise<LegacyFile[]> {
    const parsed = [];
    for (const name of await this.entries(folder)) {
      const key = parseLakeFileName(name);
      if (key === null || (partition !== undefined && key.partition !== partition)) continue;
      parsed.push({ ...key, name });
    }
    const readable = dropCovered(parsed);
    return Promise.all(
      readable.map(async (f) => {
        const path = join(folder, f.name);
        const bytes = await stat(path).then(
          (s) => s.size,
          () => 0,
        );
        return { path, partition: f.partition, fromOffset: f.fromOffset, toOffset: f.toOffset, hour, bytes };
      }),
    );
  }

  private async entries(folder: string): Promise<readonly string[]> {
    let mtimeNs: bigint;
    try {
      mtimeNs = (await stat(folder, { bigint: true })).mtimeNs;
    } catch {
      this.folders.delete(folder);
      return [];
    }
    const cached = this.folders.get(folder);
    if (cached !== undefined && cached.mtimeNs === mtimeNs) return cached.entries;
    const entries = await readdir(folder).catch(() => [] as string[]);
    this.folders.set(folder, { mtimeNs, entries });
    return entries;
  }
}

function parseHivePart(name: string, column: string, value: RegExp): string | null {
  if (!name.startsWith(`${column}=`)) return null;
  return value.exec(name.slice(column.length + 1))?.[1] ?? null;
}

interface KeyedName {
  readonly partition: number;
  readonly fromOffset: number;
  readonly toOffset: number;
  readonly name: string;
}

/** Drops every file whose offset range lies inside another file's of the same partition. */
export function dropCovered<T extends KeyedName>(files: readonly T[]): T[] {
  const sorted = [...files].sort(
    (a, b) => a.partition - b.partition || a.fromOffset - b.fromOffset || b.toOffset - a.toOffset,
  );
  const kept: T[] = [];
  let last: T | undefined;
  for (const f of sorted) {
    const covered =
      last !== undefined &&
      last.partition === f.partition &&
      f.fromOffset >= last.fromOffset &&
      f.toOffset <= last.toOffset;
    if (covered) continue;
    kept.push(f);
    if (last === undefined || last.partition !== f.partition || f.toOffset > last.toOffset) last = f;
  }
  return kept;
}
