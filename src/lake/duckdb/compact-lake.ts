import type { DuckDBConnection } from '@duckdb/node-api';
import { dirname, join } from 'node:path';
import { ShopError } from '../../errors/index.js';
import type { DeltaAction } from '../delta/delta-actions.js';
import { addActionOf, removeActionOf, type DataFileFacts } from './lake-delta.js';
import { HOUR_MS, lakeFileName } from '../lake-file-names.js';
import type { LiveFile } from '../lake-file-index.js';
import { LAKE_TABLES, type LakeCompression, type LakeTableName } from '../lake-table.js';
import { quoteLiteral } from '../table-columns.js';
import { removeQuietly } from './durable-files.js';
import { tryLockMaintenance } from './maintenance-lock.js';
import type { Lake } from './open-lake.js';
import { publishWithStats } from './parquet-stats.js';

export interface CompactOptions {
  /** Per log partition: the recorded lake position. Only files wholly below it are touched. */
  readonly committedNextOffsets: ReadonlyMap<number, number>;
  /** Compact a folder's partition once it holds this many small files (closed hours: 2). */
  readonly minFiles: number;
  /** Files at least this large are left alone; runs of smaller ones merge up to about this size. */
  readonly targetBytes: number;
  readonly compression: LakeCompression;
  readonly rowGroupRows: number;
  readonly fsync: boolean;
  readonly nowMs?: number;
  readonly tables?: readonly LakeTableName[];
}

export interface CompactResult {
  /** True when another process was compacting this lake (nothing done). */
  readonly locked: boolean;
  /** Compacted files written. */
  readonly merged: number;
  /** Small files they replaced (removed from the table; deleted from disk by `lake vacuum`). */
  readonly superseded: number;
  /** Delta commits made (at most one per table). */
  readonly commits: number;
  readonly rows: number;
}

/** An hour is closed (no new flushes expected) this long after it ended. */
const CLOSED_AFTER_MS = HOUR_MS;
/** In open hours only files under targetBytes / this merge. */
const OPEN_HOUR_SMALL_DIVISOR = 16;

/**
 * Compacts small lake files (`shopstream lake optimize`), per table, hive folder and log
 * partition: each run of consecutive small files is COPYed into one file named after the run's
 * offsets (`p<partition>-<first from>-<last to>.parquet`), its row count checked against the
 * inputs; then ONE Delta commit per table removes the inputs and adds the merged files, all with
 * `dataChange = false`. Readers see the old files or the new ones, never both and never neither;
 * the removed files stay on disk (readers of older versions, time travel) until `lake vacuum`.
 * Appends committed meanwhile by the processor do not conflict (they add other files); a
 * concurrent commit that removed one of the inputs does (SHOP_LAKE_COMMIT_CONFLICT: the pass
 * stops, the merged files are left unreferenced for vacuum). Files at or past the recorded lake
 * position are left alone. Runs never span a file that is not merged.
 */
export async function compactLake(lake: Lake, options: CompactOptions): Promise<CompactResult> {
  const nowMs = options.nowMs ?? Date.now();
  const total = { locked: false, merged: 0, superseded: 0, commits: 0, rows: 0 };
  const unlock = await tryLockMaintenance(lake.dir);
  if (unlock === undefined) return { ...total, locked: true };
  try {
    await lake.withMaintenanceConnection(async (connection) => {
      for (const table of options.tables ?? LAKE_TABLES)
        await compactTable(lake, connection, table, options, nowMs, total);
    });
  } catch (err) {
    if (err instanceof ShopError && err.code === 'SHOP_LAKE_COMMIT_CONFLICT') throw err;
    throw new ShopError('SHOP_LAKE_WRITE_FAILED', `lake compaction: ${(err as Error).message}`, {
      cause: err,
    });
  } finally {
    await unlock();
  }
  return total;
}

/** One table's pass: merges its due runs and commits them (one OPTIMIZE commit), adding to `total`. */
async function compactTable(
  lake: Lake,
  connection: DuckDBConnection,
  table: LakeTableName,
  options: CompactOptions,
  nowMs: number,
  total: { merged: number; superseded: number; commits: number; rows: number },
): Promise<void> {
  const snap = await lake.tables[table].latest();
  if (snap === undefined) return;
  const files = await lake.files.list(table, { version: snap.version });
  const actions: DeltaAction[] = [];
  for (const run of runsToMerge(files, options, nowMs)) {
    const merged = await mergeRun(connection, table, run, options);
    await lake.publishDataFile(table, merged.file.tablePath, merged.localPath);
    total.rows += merged.rows;
    total.merged += 1;
    total.superseded += run.length;
    for (const f of run) actions.push(removeActionOf(snap.files.get(f.tablePath)!, nowMs, false));
    actions.push({ add: addActionOf(table, merged.file, nowMs, false) });
  }
  if (actions.length === 0) return;
  await lake.tables[table].commit({
    actions,
    operation: 'OPTIMIZE',
    parameters: { targetSize: String(options.targetBytes) },
    readVersion: snap.version,
  });
  total.commits += 1;
}

/** Runs of consecutive small committed files per (folder, partition) that are due for merging. */
export function runsToMerge(
  files: readonly LiveFile[],
  options: Pick<CompactOptions, 'committedNextOffsets' | 'minFiles' | 'targetBytes'>,
  nowMs: number,
): LiveFile[][] {
  const groups = new Map<string, LiveFile[]>();
  for (const f of files) {
    const key = `${dirname(f.path)}\0${f.partition}`;
    const list = groups.get(key);
    if (list === undefined) groups.set(key, [f]);
    else list.push(f);
  }
  const runs: LiveFile[][] = [];
  for (const group of groups.values()) {
    const committed = options.committedNextOffsets.get(group[0]!.partition);
    if (committed === undefined) continue;
    const closed = (group[0]!.hour + 1) * HOUR_MS + CLOSED_AFTER_MS <= nowMs;
    const minFiles = closed ? 2 : options.minFiles;
    // While an hour is open, only really small files merge (bounded rewriting of growing files);
    // once it is closed, everything below the target does, into as few files as the target allows.
    const smallBytes = closed ? options.targetBytes : options.targetBytes / OPEN_HOUR_SMALL_DIVISOR;
    let run: LiveFile[] = [];
    let runBytes = 0;
    const close = () => {
      if (run.length >= minFiles) runs.push(run);
      run = [];
      runBytes = 0;
    };
    for (const f of [...group].sort((a, b) => a.fromOffset - b.fromOffset)) {
      const mergeable = f.toOffset < committed && f.bytes < smallBytes;
      if (!mergeable || runBytes + f.bytes > options.targetBytes) close();
      if (!mergeable) continue;
      run.push(f);
      runBytes += f.bytes;
    }
    close();
  }
  return runs;
}

async function mergeRun(
  connection: DuckDBConnection,
  table: LakeTableName,
  run: readonly LiveFile[],
  options: CompactOptions,
): Promise<{ rows: number; localPath: string; file: DataFileFacts }> {
  const first = run[0]!;
  const last = run[run.length - 1]!;
  const name = lakeFileName({
    topic: '',
    partition: first.partition,
    fromOffset: first.fromOffset,
    toOffset: last.toOffset,
  });
  const finalPath = join(dirname(first.path), name);
  const tempPath = `${finalPath}.tmp-${process.pid}-compact`;
  const list = `[${run.map((f) => quoteLiteral(f.path)).join(', ')}]`;
  // Hive columns live in the folder names, not in the files: read the files as they are.
  const source = `read_parquet(${list}, hive_partitioning = false)`;
  try {
    const counted = await connection.runAndReadAll(`SELECT count(*)::BIGINT AS n FROM ${source}`);
    const expected = Number(counted.getRows()[0]?.[0] ?? -1);
    const copied = await connection.run(
      `COPY (SELECT * FROM ${source}) TO ${quoteLiteral(tempPath)} (FORMAT parquet, COMPRESSION ${options.compression}, ROW_GROUP_SIZE ${options.rowGroupRows})`,
    );
    if (copied.rowsChanged !== expected)
      throw new Error(`compacted ${copied.rowsChanged} rows, the inputs hold ${expected}`);
    const { stats, bytes } = await publishWithStats(connection, tempPath, finalPath, {
      table,
      rows: expected,
      fsync: options.fsync,
    });
    const tablePath = `${first.tablePath.slice(0, first.tablePath.lastIndexOf('/') + 1)}${name}`;
    return {
      rows: expected,
      localPath: finalPath,
      file: { tablePath, hour: first.hour, bytes, stats },
    };
  } catch (err) {
    await removeQuietly(tempPath);
    throw err;
  }
}
