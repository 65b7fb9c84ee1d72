import { ShopError, isShopError } from '../errors/index.js';
import { MIGRATIONS, type Migration } from './migrations/migration-list.js';
import { applyRoleGrants } from './roles/apply-role-grants.js';
import type { SqlExecutor } from './serving-store.js';

/** Key of the transaction-scoped advisory lock that serializes concurrent migrators. */
const MIGRATION_LOCK_KEY = 7_405_128_611;

type RunInTransaction = <T>(fn: (tx: SqlExecutor) => Promise<T>) => Promise<T>;

/**
 * Applies the missing migrations in order, all in one transaction that first takes an advisory
 * lock: a second process migrating at the same time waits, then finds everything applied. A failed
 * statement rolls back every migration of the run and throws SHOP_STORE_MIGRATION_FAILED.
 */
export async function runMigrations(
  transaction: RunInTransaction,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<string[]> {
  return transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await tx.query('CREATE SCHEMA IF NOT EXISTS serving');
    await tx.query(
      `CREATE TABLE IF NOT EXISTS serving.schema_migrations (
        id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const rows = await tx.query<{ id: string }>('SELECT id FROM serving.schema_migrations');
    const applied = new Set(rows.map((r) => r.id));
    const pending = migrations.filter((m) => !applied.has(m.id));
    for (const migration of pending) await applyMigration(tx, migration);
    await applyRoleGrants(tx);
    return pending.map((m) => m.id);
  });
}

/**
 * Checks, without changing anything, that every migration is applied (for least-privilege roles
 * that open the store with `store.migrations = verify`). SHOP_STORE_SCHEMA_OUTDATED otherwise.
 */
export async function verifyMigrations(
  db: SqlExecutor,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<void> {
  const table = await db.query<{ t: string | null }>(
    `SELECT to_regclass('serving.schema_migrations')::text AS t`,
  );
  const applied =
    table[0]?.t === null || table[0]?.t === undefined
      ? new Set<string>()
      : new Set(
          (await db.query<{ id: string }>('SELECT id FROM serving.schema_migrations')).map((r) => r.id),
        );
  const missing = migrations.filter((m) => !applied.has(m.id)).map((m) => m.id);
  if (missing.length > 0)
    throw new ShopError(
      'SHOP_STORE_SCHEMA_OUTDATED',
      `the serving database lacks migrations ${missing.join(', ')}: run \`shopstream db migrate\` with the migration role`,
      { details: { missing } },
    );
}

async function applyMigration(tx: SqlExecutor, migration: Migration): Promise<void> {
  try {
    for (const statement of migration.statements) await tx.query(statement);
    await tx.query('INSERT INTO serving.schema_migrations (id) VALUES ($1)', [migration.id]);
  } catch (err) {
    const details = isShopError(err)
      ? { migration: migration.id, ...err.details }
      : { migration: migration.id };
    throw new ShopError('SHOP_STORE_MIGRATION_FAILED', `migration ${migration.id} failed`, {
      cause: err,
      details,
    });
  }
}
