import type { ServingStore } from '../../src/store/index.js';

/** The golden imported history (IMPORT_CSV of marts-golden-data.ts), written straight into mart.import_*. */
export async function seedGoldenImports(store: ServingStore, _dir: string): Promise<void> {
  const now = new Date().toISOString();
  await store.query(
    `INSERT INTO mart.import_customers VALUES ('uA', 'DE', '2026-01-15T00:00:00Z', 's', $1, $1), ('uF', 'SE', '2026-02-01T00:00:00Z', 's', $1, $1)`,
    [now],
  );
  await store.query(
    `INSERT INTO mart.import_products VALUES ('pA', 'Runner', 'shoes', 10, 'EUR', '2026-01-01T00:00:00Z', 's', $1, $1),
       ('pZ', 'Old hat', 'hats', 7, 'EUR', '2026-01-01T00:00:00Z', 's', $1, $1)`,
    [now],
  );
  await store.query(
    `INSERT INTO mart.import_order_lines VALUES
       ('o4', 'pZ', 'uA', '2026-02-20T09:00:00Z', 'pZ', 1, 7, 7, 0, 'EUR', 'web', NULL, 's', $1, $1),
       ('o5', 'pA', 'uC', '2026-03-03T11:00:00Z', 'pA', 3, 9, 27, 0, 'EUR', 'web', NULL, 's', $1, $1)`,
    [now],
  );
}
