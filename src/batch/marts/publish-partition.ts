import type { JsonValue } from '../../lake/index.js';
import type { ServingStore, SqlExecutor } from '../../store/serving-store.js';
import { removePartitionFile, writePartitionFile } from './lake-mart-files.js';
import { WHOLE_TABLE, type MartModel, type PgColumnType } from './mart-model.js';
import { ident, type MartWorkspace } from './mart-workspace.js';
import { recordPartition } from './partition-state.js';

const PG_ARRAY: Readonly<Record<PgColumnType, string>> = {
  text: 'text[]',
  integer: 'int4[]',
  bigint: 'int8[]',
  'double precision': 'float8[]',
  numeric: 'numeric[]',
  date: 'date[]',
  timestamptz: 'timestamptz[]',
  boolean: 'bool[]',
  jsonb: 'text[]',
};

export interface PublishRequest {
  readonly model: MartModel;
  /** The partition value (a day), or `*` for a whole table. */
  readonly partition: string;
  /** A SELECT of exactly this partition's rows with the model's columns; `$n` bind `selectParams`. */
  readonly select: string;
  readonly selectParams?: readonly (string | number)[];
  readonly sourceFingerprint: string;
  readonly outputFingerprint: string;
  readonly rows: number;
  readonly buildId: string;
}

export interface PublishDeps {
  readonly store: ServingStore;
  readonly ws: MartWorkspace;
  readonly batchRows: number;
  readonly fsync: boolean;
}

/**
 * Publishes one partition, idempotently:
 *   1. stage its rows in DuckDB, numbered in key order;
 *   2. (published models) ONE serving-DB transaction deletes the partition's rows (a whole table:
 *      every row) and inserts the new ones in batches of `batchRows` (INSERT ... SELECT FROM unnest);
 *   3. write its lake copy (temp file + rename), or remove it when the partition is now empty;
 *   4. record it in mart.partitions (fingerprints, rows).
 * A crash between the steps leaves mart.partitions behind the data, so the next build publishes
 * the partition again: re-publishing the same rows changes nothing.
 */
export async function publishPartition(deps: PublishDeps, req: PublishRequest): Promise<void> {
  const { ws, store } = deps;
  const order = req.model.key.map(ident).join(', ');
  await ws.create(
    'publish',
    `SELECT *, row_number() OVER (ORDER BY ${order}) AS _rn FROM (${req.select})`,
    req.selectParams ?? [],
  );
  try {
    if (req.model.published) {
      // One chunk in memory at a time: a day of sessions is ~10^5 rows (~150 MB as JS arrays).
      await store.transaction(async (tx) => {
        const kept = await deletePartition(tx, req.model, req.partition);
        for await (const chunk of readChunks(ws, req.model, req.rows, deps.batchRows))
          await insertChunk(tx, req.model, chunk, kept);
      });
    }
    if (req.rows === 0) await removePartitionFile(ws.lake.dir, req.model, req.partition);
    else await writePartitionFile(ws, req.model, req.partition, ws.rel('publish'), deps.fsync);
    await recordPartition(
      store,
      { ...req, model: req.model.name },
      req.rows === 0 && req.model.kind === 'warehouse',
    );
  } finally {
    await ws.drop('publish');
  }
}

type Chunk = JsonValue[][];

async function* readChunks(
  ws: MartWorkspace,
  model: MartModel,
  rows: number,
  size: number,
): AsyncGenerator<Chunk> {
  const lists = model.columns.map((c) => {
    const value = c.type === 'numeric' ? `CAST(${ident(c.name)} AS VARCHAR)` : ident(c.name);
    return `list(${value} ORDER BY _rn) AS ${ident(c.name)}`;
  });
  for (let from = 0; from < rows; from += size) {
    const [row] = await ws.query(
      `SELECT ${lists.join(', ')} FROM ${ws.rel('publish')} WHERE _rn > $1 AND _rn <= $2`,
      [from, from + size],
    );
    yield model.columns.map((c) => (row?.[c.name] ?? []) as JsonValue[]);
  }
}

/** created_at of the deleted rows by key (daily_aggregations keeps it across rebuilds). */
type KeptTimestamps = Map<string, string>;

async function deletePartition(
  tx: SqlExecutor,
  model: MartModel,
  partition: string,
): Promise<KeptTimestamps> {
  const table = `mart.${ident(model.name)}`;
  const where =
    model.partitionColumn === null || partition === WHOLE_TABLE
      ? { sql: '', params: [] as unknown[] }
      : { sql: ` WHERE ${ident(model.partitionColumn)} = $1::date`, params: [partition] };
  if (!model.timestamps) {
    await tx.query(`DELETE FROM ${table}${where.sql}`, where.params);
    return new Map();
  }
  const keyText = model.key.map((k) => `${ident(k)}::text`).join(` || '|' || `);
  const rows = await tx.query<{ k: string; created_at: Date }>(
    `DELETE FROM ${table}${where.sql} RETURNING ${keyText} AS k, created_at`,
    where.params,
  );
  return new Map(rows.map((r) => [r.k, r.created_at.toISOString()]));
}

async function insertChunk(
  tx: SqlExecutor,
  model: MartModel,
  chunk: Chunk,
  kept: KeptTimestamps,
): Promise<void> {
  const names = model.columns.map((c) => ident(c.name));
  const arrays = model.columns.map((c, i) => `$${i + 1}::${PG_ARRAY[c.type]}`);
  const values = model.columns.map((c) =>
    c.type === 'jsonb' ? `u.${ident(c.name)}::jsonb` : `u.${ident(c.name)}`,
  );
  const params: unknown[] = [...chunk];
  if (model.timestamps) {
    const keyIdx = model.key.map((k) => model.columns.findIndex((c) => c.name === k));
    const n = chunk[0]?.length ?? 0;
    const created = Array.from(
      { length: n },
      (_, row) => kept.get(keyIdx.map((i) => String(chunk[i]![row])).join('|')) ?? null,
    );
    names.push('created_at', 'updated_at');
    arrays.push(`$${params.length + 1}::timestamptz[]`);
    values.push('coalesce(u.created_at, now())', 'now()');
    params.push(created);
  }
  const aliases = [...model.columns.map((c) => ident(c.name)), ...(model.timestamps ? ['created_at'] : [])];
  await tx.query(
    `INSERT INTO mart.${ident(model.name)} (${names.join(', ')})
     SELECT ${values.join(', ')} FROM unnest(${arrays.join(', ')}) AS u(${aliases.join(', ')})`,
    params,
  );
}
