/**
 * The serving-store conformance suite: every adapter (PGlite, PostgreSQL) must pass it unchanged.
 * `servingStoreConformance(name, factory)` registers the tests; `factory` gives a new, empty,
 * never-migrated database each call.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { isShopError } from '../../src/errors/index.js';
import { MIGRATIONS, claimPartitions, queryKpis, type ServingStore } from '../../src/store/index.js';
import { truncateAll } from './serving-store-fixtures.js';
import { goldCommitConformance } from './serving-store-gold-cases.js';
import { lakePositionConformance } from './serving-store-lake-position-cases.js';
import { kpiQueryConformance } from './serving-store-query-cases.js';

export interface StoreHandle {
  readonly store: ServingStore;
  /** Another handle on the same database (another pool), when the adapter allows several. */
  readonly openAnother?: () => Promise<ServingStore>;
  /** Closes every handle and deletes the database. */
  dispose(): Promise<void>;
}

export type StoreFactory = () => Promise<StoreHandle>;

export function servingStoreConformance(name: string, factory: StoreFactory): void {
  describe(`serving store conformance: ${name}`, () => {
    let handle: StoreHandle;
    const store = (): ServingStore => handle.store;
    before(async () => {
      handle = await factory();
      await handle.store.migrate();
    });
    after(() => handle.dispose());
    beforeEach(() => truncateAll(handle.store));

    portCases(store);
    goldCommitConformance(store);
    lakePositionConformance(store);
    kpiQueryConformance(store);
    migrationCases(factory);
  });
}

function portCases(store: () => ServingStore): void {
  test('migrate twice is a no-op and records each migration once', async () => {
    await store().migrate();
    const rows = await store().query<{ id: string }>('SELECT id FROM serving.schema_migrations ORDER BY id');
    assert.deepEqual(
      rows.map((r) => r.id),
      MIGRATIONS.map((m) => m.id),
    );
  });

  test('a transaction commits when fn resolves and rolls back when it throws', async () => {
    await store().transaction((tx) => tx.query(`INSERT INTO serving.kpi_counts VALUES (now(), 'kept', 1)`));
    const boom = new Error('boom');
    await assert.rejects(
      store().transaction(async (tx) => {
        await tx.query(`INSERT INTO serving.kpi_counts VALUES (now(), 'rolled_back', 1)`);
        throw boom;
      }),
      (err) => err === boom,
    );
    const rows = await store().query<{ counter: string }>('SELECT counter FROM serving.kpi_counts');
    assert.deepEqual(
      rows.map((r) => r.counter),
      ['kept'],
    );
  });

  test('returns identical JS types for the same query', async () => {
    const [row] = await store().query(
      `SELECT 1::int2 AS i2, 2::int4 AS i4, 3::int8 AS i8, 1.5::float4 AS f4, 2.25::float8 AS f8,
        12.5::numeric AS num, 'x'::text AS t, 'v'::varchar AS vc, true AS b,
        '2026-01-24T13:05:12.123Z'::timestamptz AS ts, '2026-01-24'::date AS d,
        '{"a":[1,"x"]}'::jsonb AS j, ARRAY[1,2]::int8[] AS i8a, ARRAY[1.5,2]::numeric[] AS numa,
        ARRAY['a','b']::text[] AS ta, NULL::text AS n, count(*) AS cnt, sum(2::int4) AS s`,
    );
    assert.deepStrictEqual(row, {
      i2: 1,
      i4: 2,
      i8: 3,
      f4: 1.5,
      f8: 2.25,
      num: 12.5,
      t: 'x',
      vc: 'v',
      b: true,
      ts: new Date('2026-01-24T13:05:12.123Z'),
      d: '2026-01-24',
      j: { a: [1, 'x'] },
      i8a: [1, 2],
      numa: [1.5, 2],
      ta: ['a', 'b'],
      n: null,
      cnt: 1,
      s: 2,
    });
  });

  test('parameters round-trip with the same types', async () => {
    const [row] = await store().query(
      'SELECT $1::timestamptz AS ts, $2::int8 AS n, $3::text[] AS arr, $4::jsonb AS j, $5::text AS nul',
      ['2026-01-24T13:05:12.123Z', 5, ['a', 'b'], JSON.stringify({ k: 1 }), null],
    );
    assert.deepStrictEqual(row, {
      ts: new Date('2026-01-24T13:05:12.123Z'),
      n: 5,
      arr: ['a', 'b'],
      j: { k: 1 },
      nul: null,
    });
  });

  test('the session time zone is UTC', async () => {
    const [row] = await store().query<{ h: string }>(
      `SELECT to_char('2026-01-24T23:30:00Z'::timestamptz, 'HH24:MI') AS h`,
    );
    assert.equal(row?.h, '23:30');
  });

  test('a failed query throws SHOP_STORE_QUERY_FAILED carrying sql and params', async () => {
    const sql = 'SELECT * FROM serving.no_such_table WHERE x = $1';
    await assert.rejects(store().query(sql, [42]), (err) => {
      assert.ok(isShopError(err, 'SHOP_STORE_QUERY_FAILED'));
      assert.equal(err.details['sql'], sql);
      assert.deepEqual(err.details['params'], [42]);
      assert.equal(err.details['sqlState'], '42P01');
      return true;
    });
    const inTx = store().transaction((tx) => tx.query('SELECT 1/0 AS boom WHERE $1', [true]));
    await assert.rejects(
      inTx,
      (err) => isShopError(err, 'SHOP_STORE_QUERY_FAILED') && err.details['sqlState'] === '22012',
    );
    await store().ping();
  });

  test('unnest inserts a 2,000-row batch in one statement', async () => {
    const n = 2_000;
    const starts = Array.from({ length: n }, (_, i) =>
      new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
    );
    await store().query(
      'INSERT INTO serving.kpi_counts SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::float8[])',
      [starts, starts.map((_, i) => `c${i % 7}`), starts.map((_, i) => i)],
    );
    const [row] = await store().query<{ n: number; total: number; last: Date }>(
      'SELECT count(*) AS n, sum(value) AS total, max(window_start) AS last FROM serving.kpi_counts',
    );
    assert.deepStrictEqual(row, { n, total: (n * (n - 1)) / 2, last: new Date(starts[n - 1] ?? '') });
  });

  test('claimPartitions creates positions at offset 0 and bumps the epoch on every claim', async () => {
    const first = await claimPartitions(store(), { topic: 't', partitions: [1, 0], owner: 'a' });
    assert.deepEqual([...first].sort(), [
      [0, { nextOffset: 0, epoch: 1 }],
      [1, { nextOffset: 0, epoch: 1 }],
    ]);
    const second = await claimPartitions(store(), { topic: 't', partitions: [1, 2], owner: 'b' });
    assert.deepEqual([...second].sort(), [
      [1, { nextOffset: 0, epoch: 2 }],
      [2, { nextOffset: 0, epoch: 1 }],
    ]);
    const owners = await store().query(
      'SELECT partition, owner, epoch FROM serving.processor_positions ORDER BY partition',
    );
    assert.deepStrictEqual(owners, [
      { partition: 0, owner: 'a', epoch: 1 },
      { partition: 1, owner: 'b', epoch: 2 },
      { partition: 2, owner: 'b', epoch: 1 },
    ]);
  });

  test('queryKpis on an empty store returns no points', async () => {
    assert.deepEqual(await queryKpis(store(), { fromMs: 0, toMs: Date.now(), grain: 'hour', limit: 10 }), []);
  });
}

function migrationCases(factory: StoreFactory): void {
  test('two migrators on a fresh database both succeed and apply each migration once', async () => {
    const fresh = await factory();
    try {
      const other = fresh.openAnother === undefined ? fresh.store : await fresh.openAnother();
      await Promise.all([fresh.store.migrate(), other.migrate(), fresh.store.migrate()]);
      const rows = await fresh.store.query<{ n: number }>(
        'SELECT count(*) AS n FROM serving.schema_migrations',
      );
      assert.equal(rows[0]?.n, MIGRATIONS.length);
      await fresh.store.ping();
    } finally {
      await fresh.dispose();
    }
  });
}
