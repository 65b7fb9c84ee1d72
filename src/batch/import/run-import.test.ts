import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { isShopError } from '../../errors/index.js';
import { openPgliteStore } from '../../store/pglite/pglite-store.js';
import type { ServingStore } from '../../store/serving-store.js';
import { ENTITY_SPECS } from './import-entities.js';
import { readMappingFile } from './import-mapping.js';
import { runImport } from './run-import.js';

const OPTIONS = { maxFileBytes: 1 << 20, maxValueChars: 16, batchRows: 2, sourceFetchRows: 10 };
let dir: string;
let store: ServingStore;
const file = async (name: string, text: string) => {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
};

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shopstream-import-unit-'));
  store = await openPgliteStore({ dataDir: join(dir, 'serving') });
  await store.migrate();
});
after(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

test('NDJSON orders: typed fields, derived unit price, reasons in order, blank lines ignored', async () => {
  const path = await file(
    'orders.ndjson',
    [
      '{"order_id":"o1","customer_id":"u1","order_time":"2026-01-02T03:04:05+02:00","product_id":"p1","quantity":"4","amount":"10"}',
      'not json',
      '',
      '[1,2]',
      '{"order_id":"o2","customer_id":"u1","order_time":"2026-01-02","quantity":1.5}',
      '{"order_id":"o3","customer_id":"a-customer-id-that-is-too-long","order_time":"soon","price":-1}',
    ].join('\n'),
  );
  const r = await runImport(
    { store, options: OPTIONS },
    { entity: 'orders', source: { kind: 'file', path, format: 'ndjson' } },
  );
  assert.deepEqual([r.rowsRead, r.valid, r.invalid], [5, 1, 4]);
  const [line] = await store.query(
    `SELECT order_id, line_key, order_time, quantity, unit_price, gross_revenue, refund_amount FROM mart.import_order_lines`,
  );
  assert.deepStrictEqual(line, {
    order_id: 'o1',
    line_key: 'p1',
    order_time: new Date('2026-01-02T01:04:05.000Z'),
    quantity: 4,
    unit_price: 2.5,
    gross_revenue: 10,
    refund_amount: 0,
  });
  const q = await store.query<{ source_row: number; reasons: string }>(
    `SELECT source_row, reasons FROM mart.import_quarantine ORDER BY source_row`,
  );
  assert.deepEqual(
    q.map((x) => [x.source_row, x.reasons]),
    [
      [2, 'not_json'],
      [4, 'not_json'],
      [5, 'bad_quantity,missing_price'],
      [6, 'value_too_long,bad_order_time,bad_price'],
    ],
  );
});

test('a mapping renames columns, sets defaults and a time format', async () => {
  const mappingPath = await file(
    'map.json',
    JSON.stringify({
      columns: { customer_id: 'Customer', created_at: 'Since' },
      defaults: { country: 'US' },
      timeFormat: '%Y%m%d',
    }),
  );
  const mapping = await readMappingFile(mappingPath, ENTITY_SPECS.customers);
  const path = await file('c.csv', 'Customer,Since\nk1,19970101\nk2,\n');
  const r = await runImport(
    { store, options: OPTIONS },
    { entity: 'customers', source: { kind: 'file', path, format: 'csv' }, mapping },
  );
  assert.equal(r.valid, 2);
  const rows = await store.query(
    `SELECT customer_id, country, created_at FROM mart.import_customers ORDER BY 1`,
  );
  assert.deepStrictEqual(rows, [
    { customer_id: 'k1', country: 'US', created_at: new Date('1997-01-01T00:00:00.000Z') },
    { customer_id: 'k2', country: 'US', created_at: null },
  ]);
});

test('bad mappings, missing required columns and oversized files are errors, not quarantine', async () => {
  const unknown = await file('bad-map.json', JSON.stringify({ columns: { email: 'Email' } }));
  await assert.rejects(readMappingFile(unknown, ENTITY_SPECS.customers), (e) =>
    isShopError(e, 'SHOP_IMPORT_BAD_MAPPING'),
  );
  const noId = await file('no-id.csv', 'name,country\nx,DE\n');
  await assert.rejects(
    runImport(
      { store, options: OPTIONS },
      { entity: 'customers', source: { kind: 'file', path: noId, format: 'csv' } },
    ),
    (e) => isShopError(e, 'SHOP_IMPORT_BAD_MAPPING') && /customer_id/.test(e.message),
  );
  await assert.rejects(
    runImport(
      { store, options: { ...OPTIONS, maxFileBytes: 4 } },
      { entity: 'customers', source: { kind: 'file', path: noId, format: 'csv' } },
    ),
    (e) => isShopError(e, 'SHOP_IMPORT_SOURCE_TOO_LARGE'),
  );
  await assert.rejects(
    runImport(
      { store, options: OPTIONS },
      { entity: 'customers', source: { kind: 'file', path: join(dir, 'nope.csv'), format: 'csv' } },
    ),
    (e) => isShopError(e, 'SHOP_IMPORT_SOURCE_UNREADABLE'),
  );
});

test('a changed row is updated once; the same row again is unchanged', async () => {
  const path = await file('p.csv', 'product_id,price\nq1,1.50\n');
  const run = () =>
    runImport(
      { store, options: OPTIONS },
      { entity: 'products', source: { kind: 'file', path, format: 'csv' } },
    );
  assert.equal((await run()).inserted, 1);
  await writeFile(path, 'product_id,price\nq1,1.75\n');
  assert.deepEqual([(await run()).updated, (await run()).unchanged], [1, 1]);
  const [row] = await store.query(`SELECT price FROM mart.import_products WHERE product_id = 'q1'`);
  assert.deepEqual(row, { price: 1.75 });
});
