import { ShopError } from '../errors/index.js';
import type { AddAction } from './delta/delta-actions.js';
import { statsRows, type DeltaTable, type TableSnapshot } from './delta/delta-table.js';
import { HOUR_MS, parseLakeFileName } from './lake-file-names.js';
import type { LakeTableName } from './lake-table.js';
import { HIVE_COLUMNS } from './table-columns.js';

/** One readable lake file: a live `add` of the table's Delta log at the version read. */
export interface LiveFile {
  /** Absolute local path (the storage's path, or its local cache copy). */
  readonly path: string;
  /** The Delta `add.path` (relative to the table folder). */
  readonly tablePath: string;
  readonly partition: number;
  readonly fromOffset: number;
  readonly toOffset: number;
  /** Hour since the epoch (UTC) of the file's hive partition. */
  readonly hour: number;
  readonly bytes: number;
  /** numRecords of its stats. */
  readonly rows: number;
}

export interface ListFilesOptions {
  /** Only hive hours overlapping [fromMs, toMs) (by the table's hive time). */
  readonly fromMs?: number;
  readonly toMs?: number;
  readonly partition?: number;
  /** Time travel: the table version to read (default: the latest). */
  readonly version?: number;
}

/** The versions a reader is pinned to, per table (time travel of a whole lake). */
export type LakeVersions = Partial<Record<LakeTableName, number>>;

/** A pin to "before version 0": the table did not exist yet at the time asked for. */
export const EMPTY_VERSION = -1;

/** Hour since the epoch of an add's hive partition values (date + hour). */
export function hourOfAdd(table: LakeTableName, add: AddAction): number {
  const [dateCol, hourCol] = HIVE_COLUMNS[table];
  const date = add.partitionValues[dateCol];
  const hour = add.partitionValues[hourCol];
  if (date === null || date === undefined || hour === null || hour === undefined) return Number.NaN;
  return Date.parse(`${date}T00:00:00Z`) / HOUR_MS + Number(hour);
}

/**
 * The readable files of each lake table: the live files of its Delta log (`DeltaTable`), at the
 * latest version or a pinned one. A file is readable exactly when the version's snapshot holds
 * its `add`: files written but never committed, and files a later commit removed (compaction,
 * rollback), are invisible. Removed files stay on disk until `lake vacuum`, so a reader that
 * listed them keeps reading them.
 */
export class LakeFileIndex {
  private pins: LakeVersions = {};

  constructor(
    readonly tables: Readonly<Record<LakeTableName, DeltaTable>>,
    /** The local path of a table's data file (`add.path`). */
    private readonly localPathOf: (table: LakeTableName, add: AddAction) => Promise<string>,
  ) {}

  /** Pins tables to versions: every later `list` without `version` reads them (time travel). */
  pin(versions: LakeVersions): void {
    this.pins = { ...versions };
  }

  get pinned(): LakeVersions {
    return this.pins;
  }

  /** The snapshot a reader sees: `version`, else the pin, else the latest (undefined: no table yet). */
  async snapshot(table: LakeTableName, version?: number): Promise<TableSnapshot | undefined> {
    const wanted = version ?? this.pins[table];
    const delta = this.tables[table];
    if (wanted === undefined) return delta.latest();
    if (wanted === EMPTY_VERSION) return undefined;
    if (!(await delta.exists()))
      throw new ShopError(
        'SHOP_LAKE_VERSION_NOT_FOUND',
        `${table} has no version ${wanted}: it has no commit yet`,
      );
    return delta.at(wanted);
  }

  async list(table: LakeTableName, options: ListFilesOptions = {}): Promise<LiveFile[]> {
    const snap = await this.snapshot(table, options.version);
    if (snap === undefined) return [];
    const fromHour = options.fromMs === undefined ? -Infinity : Math.floor(options.fromMs / HOUR_MS);
    const toHour = options.toMs === undefined ? Infinity : Math.ceil(options.toMs / HOUR_MS) - 1;
    const listed: Array<Omit<LiveFile, 'path'> & { add: AddAction }> = [];
    for (const add of snap.files.values()) {
      const key = parseLakeFileName(add.path.slice(add.path.lastIndexOf('/') + 1));
      if (key === null) continue;
      if (options.partition !== undefined && key.partition !== options.partition) continue;
      const hour = hourOfAdd(table, add);
      if (hour < fromHour || hour > toHour) continue;
      listed.push({
        add,
        tablePath: add.path,
        partition: key.partition,
        fromOffset: key.fromOffset,
        toOffset: key.toOffset,
        hour,
        bytes: add.size,
        rows: statsRows(add),
      });
    }
    // Local paths together: on object storage each may be a download into the cache.
    const paths = await Promise.all(listed.map((f) => this.localPathOf(table, f.add)));
    const out: LiveFile[] = listed.map(({ add: _add, ...f }, i) => ({ ...f, path: paths[i]! }));
    return out.sort((a, b) => a.hour - b.hour || a.partition - b.partition || a.fromOffset - b.fromOffset);
  }
}
