import type { DuckDBConnection } from '@duckdb/node-api';
import { readdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ShopError } from '../../errors/index.js';
import { HOUR_MS, lakeFileName } from '../lake-file-names.js';
import type { LiveFile } from '../lake-file-index.js';
import { LAKE_TABLES, type LakeCompression, type LakeTableName } from '../lake-table.js';
import { quoteLiteral } from '../table-columns.js';
import { fsyncPath, publishFile, removeQuietly } from './durable-files.js';
import { tryLockMaintenance } from './maintenance-lock.js';
import type { Lake } from './open-lake.js';

export interface CompactOptions {
  /** Per log partition: the recorded lake position. Only files wholly below it are touched. */
  readonly committedNextOffsets: ReadonlyMap<number, number>;
  /** Compact a folder's partition once it holds this many small files (closed hours: 2). */
  readonly minFiles: number;
  /** Files at least this large are left alone; runs of smaller ones merge up to about this size. */
  readonly targetBytes: number;
  /** Superseded files are deleted once they have been superseded this long. */
  readonly graceMs: number;
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
  /** Small files they replaced (renamed `*.superseded-<ms>`). */
  readonly superseded: number;
  /** Superseded files deleted after their grace period. */
  readonly deleted: number;
  readonly rows: number;
}

const SUPERSEDED = /\.superseded-(\d+)$/;
/** An hour is closed (no new flushes expected) this long after it ended. */
const CLOSED_AFTER_MS = HOUR_MS;
/** In open hours only files under targetBytes / this merge. */
const OPEN_HOUR_SMALL_DIVISOR = 16;

/**
 * Compacts small lake files, per table, hive folder and log partition (the safe rewrite that the
 * Delta issue will make transactional): a run of consecutive small committed files is COPYed into
 * one file named after the run's offsets (`p<partition>-<first from>-<last to>.parquet`), the row
 * count is checked, the file is published (write-then-rename), then the inputs are renamed
 * `<name>.superseded-<ms>` (no glob or reader matches them) and deleted after `graceMs`. A reader
 * never counts a row twice: `LakeFileIndex` ignores files covered by a compacted one, which
 * covers the moment between publishing and renaming and a crash there; a reader that listed an
 * input just before the rename retries once (`queryLake`). Files at or past the recorded lake
 * position are never touched (they may still be removed as uncommitted). Runs never span a file
 * that is not merged, so a compacted range covers exactly its inputs.
 */
export async function compactLake(lake: Lake, options: CompactOptions): Promise<CompactResult> {
  const nowMs = options.nowMs ?? Date.now();
  const total = { locked: false, merged: 0, superseded: 0, deleted: 0, rows: 0 };
  const unlock = await tryLockMaintenance(lake.dir);
  if (unlock === undefined) return { ...total, locked: true };
  const connection = await lake.connectForMaintenance();
  try {
    for (const table of options.tables ?? LAKE_TABLES) {
      const files = await lake.files.list(table);
      total.deleted += await deleteExpired(files, nowMs, options.graceMs, lake);
      for (const run of runsToMerge(files, options, nowMs)) {
        total.rows += await mergeRun(connection, run, options, nowMs);
        total.merged += 1;
        total.superseded += run.length;
      }
    }
  } catch (err) {
    throw new ShopError('SHOP_LAKE_WRITE_FAILED', `lake compaction: ${(err as Error).message}`, {
      cause: err,
    });
  } finally {
    connection.closeSync();
    lake.files.invalidate();
    await unlock();
  }
  return total;
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
  run: readonly LiveFile[],
  options: CompactOptions,
  nowMs: number,
): Promise<number> {
  const first = run[0]!;
  const last = run[run.length - 1]!;
  const folder = dirname(first.path);
  const finalPath = join(
    folder,
    lakeFileName({
      topic: '',
      partition: first.partition,
      fromOffset: first.fromOffset,
      toOffset: last.toOffset,
    }),
  );
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
    await publishFile(tempPath, finalPath, options.fsync);
    for (const f of run) await rename(f.path, `${f.path}.superseded-${nowMs}`);
    if (options.fsync) await fsyncPath(folder);
    return expected;
  } catch (err) {
    await removeQuietly(tempPath);
    throw err;
  }
}

/** Deletes superseded files of the table's folders whose grace period is over. */
async function deleteExpired(
  files: readonly LiveFile[],
  nowMs: number,
  graceMs: number,
  lake: Lake,
): Promise<number> {
  let deleted = 0;
  const folders = new Set(files.map((f) => dirname(f.path)));
  for (const folder of folders) {
    for (const name of await readdir(folder).catch(() => [] as string[])) {
      const m = SUPERSEDED.exec(name);
      if (m === null || Number(m[1]) + graceMs > nowMs) continue;
      await rm(join(folder, name), { force: true });
      deleted += 1;
    }
  }
  if (deleted > 0) lake.files.invalidate();
  return deleted;
}
