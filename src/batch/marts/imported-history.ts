import type { SqlExecutor } from '../../store/serving-store.js';
import type { MartWorkspace } from './mart-workspace.js';

/**
 * The imported history (mart.import_*) copied into the build's DuckDB workspace as the relations
 * `import_customers`, `import_products`, `import_order_lines`. Pages of `pageRows` travel as one
 * JSON text each (money and times as text, so nothing is rounded on the way).
 */
interface ImportTable {
  readonly name: 'import_customers' | 'import_products' | 'import_order_lines';
  readonly key: string;
  /** column -> DuckDB type. */
  readonly columns: Readonly<Record<string, string>>;
}

const TS = 'TIMESTAMP';
const MONEY = 'DECIMAL(38,6)';
const TABLES: readonly ImportTable[] = [
  {
    name: 'import_customers',
    key: 'customer_id',
    columns: { customer_id: 'VARCHAR', country: 'VARCHAR', created_at: TS },
  },
  {
    name: 'import_products',
    key: 'product_id',
    columns: {
      product_id: 'VARCHAR',
      name: 'VARCHAR',
      category: 'VARCHAR',
      price: MONEY,
      currency: 'VARCHAR',
      created_at: TS,
    },
  },
  {
    name: 'import_order_lines',
    key: `order_id, line_key`,
    columns: {
      order_id: 'VARCHAR',
      line_key: 'VARCHAR',
      customer_id: 'VARCHAR',
      order_time: TS,
      product_id: 'VARCHAR',
      quantity: 'INTEGER',
      unit_price: MONEY,
      gross_revenue: MONEY,
      refund_amount: MONEY,
      currency: 'VARCHAR',
      channel: 'VARCHAR',
      store_id: 'VARCHAR',
    },
  },
];

/** Text of a column in the serving DB: timestamps as ISO-8601 UTC, everything else as text. */
const asText = (name: string, duckType: string): string =>
  duckType === TS ? `to_char(${name} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS')` : `${name}::text`;

/** count and newest updated_at of each import table: changes whenever an import changed a row. */
export async function importFingerprints(db: SqlExecutor): Promise<Array<[string, string]>> {
  const out: Array<[string, string]> = [];
  for (const t of TABLES) {
    const [row] = await db.query<{ n: number; t: string | null }>(
      `SELECT count(*)::int8 AS n, max(updated_at)::text AS t FROM mart.${t.name}`,
    );
    out.push([t.name, `${row?.n ?? 0}:${row?.t ?? ''}`]);
  }
  return out;
}

export async function loadImportedHistory(
  db: SqlExecutor,
  ws: MartWorkspace,
  pageRows: number,
): Promise<void> {
  for (const t of TABLES) {
    const cols = Object.entries(t.columns);
    await ws.create(
      t.name,
      `SELECT ${cols.map(([c, type]) => `CAST(NULL AS ${type}) AS ${c}`).join(', ')} WHERE false`,
    );
    const textCols = cols.map(([c, type]) => `${asText(c, type)} AS ${c}`).join(', ');
    const struct = JSON.stringify(Object.fromEntries(cols.map(([c]) => [c, 'VARCHAR'])));
    const casts = cols.map(([c, type]) => `CAST(${c} AS ${type}) AS ${c}`).join(', ');
    for (let offset = 0; ; offset += pageRows) {
      const [page] = await db.query<{ j: string | null }>(
        `SELECT json_agg(p)::text AS j FROM (SELECT ${textCols} FROM mart.${t.name} ORDER BY ${t.key} LIMIT $1 OFFSET $2) p`,
        [pageRows, offset],
      );
      if (page?.j == null) break;
      await ws.query(
        `INSERT INTO ${ws.rel(t.name)} SELECT ${casts} FROM (SELECT unnest(from_json($1::JSON, '[${struct}]'), recursive := true))`,
        [page.j],
      );
    }
  }
}
