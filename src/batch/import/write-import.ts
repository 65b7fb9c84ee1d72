import type { ServingStore } from '../../store/serving-store.js';
import { ENTITY_SPECS, type EntityName } from './import-entities.js';
import type { ImportEngine } from './import-engine.js';

/** The serving-DB columns of each entity's valid rows: name and PostgreSQL type. */
const TARGET: Readonly<Record<EntityName, ReadonlyArray<readonly [string, string]>>> = {
  customers: [
    ['customer_id', 'text'],
    ['country', 'text'],
    ['created_at', 'timestamptz'],
  ],
  products: [
    ['product_id', 'text'],
    ['name', 'text'],
    ['category', 'text'],
    ['price', 'numeric'],
    ['currency', 'text'],
    ['created_at', 'timestamptz'],
  ],
  orders: [
    ['order_id', 'text'],
    ['line_key', 'text'],
    ['customer_id', 'text'],
    ['order_time', 'timestamptz'],
    ['product_id', 'text'],
    ['quantity', 'int4'],
    ['unit_price', 'numeric'],
    ['gross_revenue', 'numeric'],
    ['refund_amount', 'numeric'],
    ['currency', 'text'],
    ['channel', 'text'],
    ['store_id', 'text'],
  ],
};
/** A DuckDB expression giving the column's value as PostgreSQL accepts it (exact text for money and times). */
function transfer(name: string, type: string): string {
  if (type === 'timestamptz') return `strftime("${name}", '%Y-%m-%dT%H:%M:%S.%gZ')`;
  if (type === 'numeric') return `CAST("${name}" AS VARCHAR)`;
  return `"${name}"`;
}

/** Where a write goes: the engine's checked rows of `entity` from source `sourceId`, `batchRows` per statement. */
export interface WriteTarget {
  readonly engine: ImportEngine;
  readonly store: ServingStore;
  readonly entity: EntityName;
  readonly sourceId: string;
  readonly batchRows: number;
}

export interface WriteCounts {
  inserted: number;
  updated: number;
  unchanged: number;
  quarantined: number;
}

/** Pages of `size` rows of a numbered engine table, as column arrays. */
async function* pages(engine: ImportEngine, table: string, lists: string[], total: number, size: number) {
  for (let from = 0; from < total; from += size) {
    const [row] = await engine.query(`SELECT ${lists.join(', ')} FROM ${table} WHERE _i > $1 AND _i <= $2`, [
      from,
      from + size,
    ]);
    yield Object.values(row ?? {}) as unknown[][];
  }
}

/**
 * Upserts the valid rows of `checked` (reasons = '') into mart.import_<entity>, `batchRows` per
 * statement: a new key is inserted, a changed row updated (updated_at = now()), an unchanged row
 * left alone, so importing the same source again changes no row.
 */
export async function writeValidRows(
  target: WriteTarget,
  onRows: (n: number) => void,
): Promise<Omit<WriteCounts, 'quarantined'>> {
  const { engine, store, entity, sourceId, batchRows } = target;
  const cols = TARGET[entity];
  await engine.query(
    `CREATE OR REPLACE TABLE valid AS SELECT *, row_number() OVER (ORDER BY _row) AS _i FROM checked WHERE reasons = ''`,
  );
  const [n] = await engine.query(`SELECT count(*) AS n FROM valid`);
  const total = Number(n?.['n'] ?? 0);
  const lists = cols.map(([c, t]) => `list(${transfer(c, t)} ORDER BY _i) AS "${c}"`);
  const names = cols.map(([c]) => c);
  const changed = names.filter((c) => !ENTITY_SPECS[entity].key.includes(c));
  const sql = `INSERT INTO mart.${ENTITY_SPECS[entity].table} AS t (${names.join(', ')}, source_id, imported_at, updated_at)
    SELECT u.*, $${cols.length + 1}, now(), now() FROM unnest(${cols.map(([, t], i) => `$${i + 1}::${t}[]`).join(', ')}) AS u(${names.join(', ')})
    ON CONFLICT (${ENTITY_SPECS[entity].key.join(', ')}) DO UPDATE SET ${changed.map((c) => `${c} = excluded.${c}`).join(', ')},
      source_id = excluded.source_id, updated_at = now()
    WHERE (${changed.map((c) => `t.${c}`).join(', ')}) IS DISTINCT FROM (${changed.map((c) => `excluded.${c}`).join(', ')})
    RETURNING (xmax = 0) AS inserted`;
  const counts = { inserted: 0, updated: 0, unchanged: 0 };
  let done = 0;
  for await (const arrays of pages(engine, 'valid', lists, total, batchRows)) {
    const returned = await store.query<{ inserted: boolean }>(sql, [...arrays, sourceId]);
    const inserted = returned.filter((r) => r.inserted).length;
    counts.inserted += inserted;
    counts.updated += returned.length - inserted;
    counts.unchanged += (arrays[0]?.length ?? 0) - returned.length;
    done += arrays[0]?.length ?? 0;
    onRows(done);
  }
  return counts;
}

/**
 * Inserts the invalid rows of `checked` into mart.import_quarantine, keyed by (entity, source,
 * md5 of the raw row, its occurrence among identical raw rows): a re-import adds nothing. Returns
 * the rows newly quarantined.
 */
export async function writeQuarantine(target: WriteTarget, onRows: (n: number) => void): Promise<number> {
  const { engine, store, entity, sourceId, batchRows } = target;
  await engine.query(
    `CREATE OR REPLACE TABLE invalid AS
     SELECT _row, left(_raw, 65536) AS raw, md5(coalesce(_raw, '')) AS row_hash, reasons,
       row_number() OVER (PARTITION BY md5(coalesce(_raw, '')) ORDER BY _row) AS occurrence,
       row_number() OVER (ORDER BY _row) AS _i
     FROM checked WHERE reasons <> ''`,
  );
  const [n] = await engine.query(`SELECT count(*) AS n FROM invalid`);
  const total = Number(n?.['n'] ?? 0);
  const lists = ['row_hash', 'occurrence', '_row', 'raw', 'reasons'].map(
    (c, i) => `list(coalesce(CAST(${c} AS VARCHAR), '') ORDER BY _i) AS c${i}`,
  );
  let added = 0;
  let done = 0;
  for await (const [hashes, occurrences, rows, raws, reasons] of pages(
    engine,
    'invalid',
    lists,
    total,
    batchRows,
  )) {
    const inserted = await store.query(
      `INSERT INTO mart.import_quarantine (entity, source_id, row_hash, occurrence, source_row, raw, reasons, imported_at)
       SELECT $1, $2, h, o, r, w, e, now() FROM unnest($3::text[], $4::int4[], $5::int8[], $6::text[], $7::text[]) AS u(h, o, r, w, e)
       ON CONFLICT DO NOTHING RETURNING 1`,
      [entity, sourceId, hashes, occurrences, rows, raws, reasons],
    );
    added += inserted.length;
    done += hashes?.length ?? 0;
    onRows(done);
  }
  return added;
}
