import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ShopError } from '../../errors/index.js';
import type { ServingStore } from '../../store/serving-store.js';
import { ENTITY_SPECS, type EntityName } from './import-entities.js';
import { ImportEngine } from './import-engine.js';
import { DEFAULT_MAPPING, type ImportMapping } from './import-mapping.js';
import { describePostgresSource, dumpPostgresSource, type PostgresSource } from './postgres-import-source.js';
import { readImportSource, type SourceFormat } from './read-import-source.js';
import { validateImportRows } from './validate-import-rows.js';
import { writeQuarantine, writeValidRows } from './write-import.js';

export type ImportSource =
  | { readonly kind: 'file'; readonly path: string; readonly format: SourceFormat }
  | ({ readonly kind: 'postgres' } & PostgresSource);

export interface ImportOptions {
  readonly maxFileBytes: number;
  readonly maxValueChars: number;
  readonly batchRows: number;
  readonly sourceFetchRows: number;
}

export interface ImportRequest {
  readonly entity: EntityName;
  readonly source: ImportSource;
  readonly mapping?: ImportMapping;
  /** orders: check customer_id / product_id against the imported customers / products (when any). */
  readonly refChecks?: boolean;
}

export interface ImportResult {
  readonly runId: string;
  readonly entity: EntityName;
  /** sha256 of the file's bytes, or of the PostgreSQL source's description (no password). */
  readonly sourceId: string;
  readonly source: string;
  readonly rowsRead: number;
  readonly valid: number;
  readonly inserted: number;
  readonly updated: number;
  readonly unchanged: number;
  /** Invalid rows of this source, and how many of them were not in quarantine yet. */
  readonly invalid: number;
  readonly quarantinedNew: number;
  readonly reasons: Readonly<Record<string, number>>;
}

/** Progress: `phase` read (source rows dumped), write (rows written of `total`). */
export type ImportProgress = (p: { phase: 'read' | 'write'; done: number; total: number }) => void;

async function fileId(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex').slice(0, 32);
}

async function checkedFile(path: string, maxBytes: number): Promise<void> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (cause) {
    throw new ShopError('SHOP_IMPORT_SOURCE_UNREADABLE', `cannot read ${path}: ${(cause as Error).message}`, {
      cause,
    });
  }
  if (size > maxBytes)
    throw new ShopError(
      'SHOP_IMPORT_SOURCE_TOO_LARGE',
      `${path} is ${size} bytes, import.maxFileBytes is ${maxBytes}`,
    );
}

/**
 * The known customer (product) ids as the DuckDB table `known_<what>s(id)`: the imported ones and
 * those of the built dim_customers (dim_products), i.e. streamed buyers too. Returns false (no
 * referential check) when nothing of that entity was imported yet.
 */
async function knownIds(
  engine: ImportEngine,
  store: ServingStore,
  what: 'customer' | 'product',
): Promise<boolean> {
  const [row] = await store.query<{ j: string; imported: number }>(
    `SELECT coalesce(json_agg(id), '[]')::text AS j, (SELECT count(*) FROM mart.import_${what}s)::int8 AS imported
     FROM (SELECT ${what}_id AS id FROM mart.import_${what}s UNION SELECT ${what}_id FROM mart.dim_${what}s) s`,
  );
  await engine.query(
    `CREATE OR REPLACE TABLE known_${what}s AS SELECT unnest(from_json($1::JSON, '["VARCHAR"]')) AS id`,
    [row?.j ?? '[]'],
  );
  return Number(row?.imported ?? 0) > 0;
}

/**
 * Imports one source (docs/import.md): read it with DuckDB, validate every row, upsert the valid
 * ones into mart.import_<entity>, quarantine the invalid ones with their reasons, record the run in
 * mart.import_runs. Idempotent: the same source again changes no row and quarantines nothing new.
 */
export async function runImport(
  deps: { store: ServingStore; options: ImportOptions; progress?: ImportProgress },
  request: ImportRequest,
): Promise<ImportResult> {
  const startedAt = new Date().toISOString();
  const progress = deps.progress ?? (() => undefined);
  const spec = ENTITY_SPECS[request.entity];
  const work = await mkdtemp(join(tmpdir(), 'shopstream-import-'));
  const engine = await ImportEngine.open();
  try {
    const { path, format, sourceId, source } = await materialize(
      request.source,
      work,
      deps.options,
      progress,
    );
    await checkedFile(path, deps.options.maxFileBytes);
    const mapping = request.mapping ?? DEFAULT_MAPPING;
    await readImportSource(engine, spec, mapping, path, format);
    const refs = request.refChecks ?? true;
    await validateImportRows(engine, spec, {
      mapping,
      maxValueChars: deps.options.maxValueChars,
      checkCustomers: refs && (await knownIds(engine, deps.store, 'customer')),
      checkProducts: refs && (await knownIds(engine, deps.store, 'product')),
    });
    const [totals] = await engine.query(
      `SELECT count(*) AS n, count(*) FILTER (WHERE reasons = '') AS valid FROM checked`,
    );
    const rowsRead = Number(totals?.['n'] ?? 0);
    const valid = Number(totals?.['valid'] ?? 0);
    const tick = (offset: number) => (done: number) =>
      progress({ phase: 'write', done: offset + done, total: rowsRead });
    const o = deps.options;
    const target = { engine, store: deps.store, entity: spec.name, sourceId, batchRows: o.batchRows };
    const written = await writeValidRows(target, tick(0));
    const quarantinedNew = await writeQuarantine(target, tick(valid));
    const reasons = await reasonCounts(engine);
    const result: ImportResult = {
      runId: randomUUID(),
      entity: spec.name,
      sourceId,
      source,
      rowsRead,
      valid,
      ...written,
      invalid: rowsRead - valid,
      quarantinedNew,
      reasons,
    };
    await recordRun(deps.store, result, startedAt);
    return result;
  } finally {
    engine.close();
    await rm(work, { recursive: true, force: true });
  }
}

async function materialize(source: ImportSource, work: string, o: ImportOptions, progress: ImportProgress) {
  if (source.kind === 'file') {
    const path = resolve(source.path);
    await checkedFile(path, o.maxFileBytes);
    return { path, format: source.format, sourceId: await fileId(path), source: path };
  }
  const path = join(work, 'source.ndjson');
  const description = describePostgresSource(source);
  await dumpPostgresSource(source, path, o.sourceFetchRows, (n) =>
    progress({ phase: 'read', done: n, total: 0 }),
  );
  const sourceId = createHash('sha256').update(description).digest('hex').slice(0, 32);
  return { path, format: 'ndjson' as const, sourceId, source: description };
}

async function reasonCounts(engine: ImportEngine): Promise<Record<string, number>> {
  const rows = await engine.query(
    `SELECT r AS reason, count(*) AS n FROM (SELECT unnest(string_split(reasons, ',')) AS r FROM checked WHERE reasons <> '')
     GROUP BY r ORDER BY r`,
  );
  return Object.fromEntries(rows.map((r) => [String(r['reason']), Number(r['n'])]));
}

async function recordRun(store: ServingStore, r: ImportResult, startedAt: string): Promise<void> {
  await store.query(
    `INSERT INTO mart.import_runs (run_id, entity, source_id, source, started_at, finished_at, rows_read,
       rows_inserted, rows_updated, rows_unchanged, rows_quarantined)
     VALUES ($1, $2, $3, $4, $5::timestamptz, now(), $6, $7, $8, $9, $10)`,
    [
      r.runId,
      r.entity,
      r.sourceId,
      r.source,
      startedAt,
      r.rowsRead,
      r.inserted,
      r.updated,
      r.unchanged,
      r.quarantinedNew,
    ],
  );
}
