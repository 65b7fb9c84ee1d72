import { open, readdir, rename, rm, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ShopError } from '../../errors/index.js';
import { WHOLE_TABLE, type MartModel } from './mart-model.js';
import { DUCK_TYPE, ident, literal, typedSelect, type MartWorkspace } from './mart-workspace.js';

/**
 * The lake copies of the marts, Parquet written by DuckDB:
 *   <lake>/marts/<model>/<partition column>=<value>/data.parquet   (partitioned models)
 *   <lake>/marts/<model>/data.parquet                             (whole tables)
 * The partition column is the hive folder only (not stored in the file), as Spark expects. Each file
 * is written to `data.parquet.tmp-<pid>-<n>`, fsync'd and renamed: readers see a whole file or none.
 */
const FILE = 'data.parquet';
let tmpSeq = 0;

export const martsDir = (lakeDir: string): string => join(lakeDir, 'marts');

export function partitionFile(lakeDir: string, model: MartModel, partition: string): string {
  const base = join(martsDir(lakeDir), model.name);
  return model.partitionColumn === null || partition === WHOLE_TABLE
    ? join(base, FILE)
    : join(base, `${model.partitionColumn}=${partition}`, FILE);
}

/** Writes the rows of relation `rel` (one partition of `model`) as the partition's lake file. */
export async function writePartitionFile(
  ws: MartWorkspace,
  model: MartModel,
  partition: string,
  rel: string,
  fsync: boolean,
): Promise<void> {
  const path = partitionFile(ws.lake.dir, model, partition);
  const tmp = `${path}.tmp-${process.pid}-${++tmpSeq}`;
  const stored = model.columns.filter((c) => c.name !== model.partitionColumn);
  try {
    await mkdir(dirname(path), { recursive: true });
    await ws.query(
      `COPY (${typedSelect(stored, rel)}) TO ${literal(tmp)} (FORMAT parquet, COMPRESSION zstd)`,
    );
    if (fsync) await fsyncPath(tmp);
    await rename(tmp, path);
    if (fsync) await fsyncPath(dirname(path));
  } catch (err) {
    await rm(tmp, { force: true });
    throw new ShopError('SHOP_MART_WRITE_FAILED', `writing ${path}: ${(err as Error).message}`, {
      cause: err,
      details: { model: model.name, partition, path },
    });
  }
}

export async function removePartitionFile(
  lakeDir: string,
  model: MartModel,
  partition: string,
): Promise<void> {
  await rm(partitionFile(lakeDir, model, partition), { force: true });
}

async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The partitions of `model` that have a lake file (the partition values, `*` for whole tables). */
export async function partitionsWithFiles(lakeDir: string, model: MartModel): Promise<Set<string>> {
  const base = join(martsDir(lakeDir), model.name);
  const out = new Set<string>();
  let entries;
  try {
    entries = await readdir(base, { withFileTypes: true });
  } catch {
    return out;
  }
  const prefix = `${model.partitionColumn ?? ''}=`;
  for (const e of entries) {
    if (e.isFile() && e.name === FILE) out.add(WHOLE_TABLE);
    if (e.isDirectory() && model.partitionColumn !== null && e.name.startsWith(prefix)) {
      const files = await readdir(join(base, e.name)).catch(() => [] as string[]);
      if (files.includes(FILE)) out.add(e.name.slice(prefix.length));
    }
  }
  return out;
}

/**
 * A SELECT over every lake file of `model` with the model's columns (hive column typed), or an
 * empty SELECT with the same columns when it has no file yet.
 */
export async function lakeCopySelect(lakeDir: string, model: MartModel): Promise<string> {
  const files = await partitionsWithFiles(lakeDir, model);
  if (files.size === 0) {
    const cols = model.columns.map((c) => `CAST(NULL AS ${DUCK_TYPE[c.type]}) AS ${ident(c.name)}`);
    return `SELECT ${cols.join(', ')} WHERE false`;
  }
  const base = join(martsDir(lakeDir), model.name);
  const pcol = model.partitionColumn;
  const source =
    pcol === null
      ? `read_parquet(${literal(join(base, FILE))})`
      : `read_parquet(${literal(join(base, '*', FILE))}, hive_partitioning = true, hive_types = {${literal(pcol)}: DATE})`;
  return typedSelect(model.columns, source);
}
