/**
 * `shopstream import customers|products|orders` end to end: customers from CSV, products from
 * Parquet, orders from a real PostgreSQL table (scripts/postgres.sh) through a mapping file and
 * from a --query. Every valid row lands once, every invalid row is quarantined with its reasons, a
 * second import of the same sources changes no row, and the imported orders reach fact_orders.
 * (The test is smaller than the full size of 100k/10k/500k, which has not been measured yet.)
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';
import { openPgliteStore } from '../../src/store/index.js';
import { runCliOk, tempDataDir } from '../helpers/cli.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';

const CUSTOMERS = 3000;
const PRODUCTS = 300;
const ORDERS = 4000;

interface Result {
  rowsRead: number;
  valid: number;
  inserted: number;
  updated: number;
  unchanged: number;
  invalid: number;
  quarantinedNew: number;
  reasons: Record<string, number>;
}

function customersCsv(): string {
  const lines = ['customer_id,country,created_at'];
  for (let i = 0; i < CUSTOMERS; i++)
    lines.push(`c${i},${['DE', 'FR', 'NL'][i % 3]},2025-0${1 + (i % 9)}-01T10:00:00Z`);
  lines.push(',DE,2025-01-01', 'c5,DE,2025-01-01', 'cx,DE,not-a-date', 'c-bad,DE,2025-01-01,extra');
  return lines.join('\n') + '\n';
}

async function productsParquet(path: string): Promise<void> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  await c.run(
    `COPY (SELECT 'p' || range AS product_id, 'Product ' || range AS name, ['shoes', 'bags'][1 + range % 2] AS category,
       CAST(5 + range % 50 AS DECIMAL(10,2)) + 0.99 AS price, 'EUR' AS currency, TIMESTAMP '2025-01-01' AS created_at
     FROM range(${PRODUCTS})
     UNION ALL SELECT 'p-neg', 'Broken', 'bags', -1, 'EUR', NULL) TO '${path}' (FORMAT parquet)`,
  );
  c.closeSync();
  db.closeSync();
}

/** The shop's own orders table: other column names, 4 invalid rows. */
async function seedShopTable(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(
      `CREATE TABLE shop_orders (id text, buyer text, placed_at timestamptz, sku text, qty int, unit_price numeric)`,
    );
    const n = ORDERS;
    await client.query(
      `INSERT INTO shop_orders SELECT 'o' || (g / 2), 'c' || (g % ${CUSTOMERS}), '2025-06-01T00:00:00Z'::timestamptz + g * interval '7 minutes',
         'p' || (g % ${PRODUCTS}), 1 + g % 3, 5.99 + g % 50 FROM generate_series(0, ${n - 1}) g`,
    );
    await client.query(
      `INSERT INTO shop_orders VALUES ('bad1', 'c1', now(), 'p1', 0, 5), ('bad2', 'nobody', now(), 'p1', 1, 5),
         ('bad3', 'c1', NULL, 'p1', 1, 5), ('bad4', 'c1', now(), 'p-unknown', 1, 5)`,
    );
  } finally {
    await client.end();
  }
}

describe('import customers|products|orders', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let source: TestDatabase;
  const files = { customers: '', products: '', mapping: '' };
  const cli = async (args: string[]) =>
    JSON.parse(await runCliOk([...args, '--json'], { dataDir: tmp.dir })) as Result;
  const imports = () => [
    ['import', 'customers', files.customers],
    ['import', 'products', files.products],
    ['import', 'orders', '--from', source.url, '--table', 'public.shop_orders', '--mapping', files.mapping],
  ];
  const snapshot = async () => {
    const store = await openPgliteStore({ dataDir: join(tmp.dir, 'serving') });
    try {
      const out: unknown[] = [];
      for (const t of ['import_customers', 'import_products', 'import_order_lines', 'import_quarantine'])
        out.push(await store.query(`SELECT * FROM mart.${t} ORDER BY 1, 2, 3`));
      return out;
    } finally {
      await store.close();
    }
  };

  before(async () => {
    tmp = await tempDataDir('import-history');
    source = await createTestDatabase();
    await seedShopTable(source.url);
    files.customers = join(tmp.dir, 'customers.csv');
    files.products = join(tmp.dir, 'products.parquet');
    files.mapping = join(tmp.dir, 'orders-mapping.json');
    await writeFile(files.customers, customersCsv());
    await productsParquet(files.products);
    await writeFile(
      files.mapping,
      JSON.stringify({
        columns: {
          order_id: 'id',
          customer_id: 'buyer',
          order_time: 'placed_at',
          product_id: 'sku',
          quantity: 'qty',
          price: 'unit_price',
        },
        defaults: { currency: 'EUR', channel: 'web' },
      }),
    );
  });
  after(async () => {
    await source?.drop();
    await tmp?.cleanup();
  });

  it('lands every valid row once and quarantines every invalid one with its reasons', async () => {
    const [customers, products, orders] = [
      await cli(imports()[0]!),
      await cli(imports()[1]!),
      await cli(imports()[2]!),
    ];
    assert.deepEqual([customers.valid, customers.inserted, customers.invalid], [CUSTOMERS, CUSTOMERS, 4]);
    assert.deepEqual(customers.reasons, {
      bad_created_at: 1,
      duplicate_key: 1,
      malformed_csv: 1,
      missing_customer_id: 1,
    });
    assert.deepEqual([products.valid, products.invalid, products.reasons], [PRODUCTS, 1, { bad_price: 1 }]);
    assert.deepEqual([orders.rowsRead, orders.valid, orders.inserted], [ORDERS + 4, ORDERS, ORDERS]);
    assert.deepEqual(orders.reasons, {
      bad_quantity: 1,
      missing_order_time: 1,
      unknown_customer: 1,
      unknown_product: 1,
    });
    const store = await openPgliteStore({ dataDir: join(tmp.dir, 'serving') });
    try {
      const q = await store.query<{ entity: string; n: number }>(
        `SELECT entity, count(*)::int AS n FROM mart.import_quarantine GROUP BY 1 ORDER BY 1`,
      );
      assert.deepEqual(
        q.map((r) => [r.entity, r.n]),
        [
          ['customers', 4],
          ['orders', 4],
          ['products', 1],
        ],
      );
      const [line] = await store.query(
        `SELECT * FROM mart.import_order_lines WHERE order_id = 'o1' AND line_key = 'p3'`,
      );
      assert.equal(line?.['currency'], 'EUR');
      // row g = 3: order o1, sku p3, qty 1 + 3 % 3 = 1, price 5.99 + 3 = 8.99.
      assert.equal(line?.['gross_revenue'], 8.99);
    } finally {
      await store.close();
    }
  });

  it('a second import of the same sources changes no row', async () => {
    const before = await snapshot();
    for (const args of imports()) {
      const again = await cli(args);
      assert.deepEqual([again.inserted, again.updated, again.quarantinedNew], [0, 0, 0], args.join(' '));
      assert.equal(again.unchanged, again.valid);
    }
    const subset = await cli([
      'import',
      'orders',
      '--from',
      source.url,
      '--mapping',
      files.mapping,
      '--query',
      `SELECT * FROM shop_orders WHERE id IN ('o1', 'o2')`,
    ]);
    assert.deepEqual([subset.valid, subset.unchanged], [4, 4]);
    assert.deepEqual(await snapshot(), before);
  });

  it('imported orders feed fact_orders and dim_customers', async () => {
    await runCliOk(['marts', 'build'], { dataDir: tmp.dir });
    const store = await openPgliteStore({ dataDir: join(tmp.dir, 'serving') });
    try {
      const [orders] = await store.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM mart.fact_orders WHERE source = 'import'`,
      );
      assert.equal(orders?.n, ORDERS / 2);
      const [customers] = await store.query<{ n: number }>(
        `SELECT count(DISTINCT customer_id)::int AS n FROM mart.dim_customers`,
      );
      assert.equal(customers?.n, CUSTOMERS);
    } finally {
      await store.close();
    }
  });
});
