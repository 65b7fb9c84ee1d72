import type { SqlExecutor } from '../serving-store.js';
import { MART_WRITERS, ROLES, SCHEMAS, WRITES, type DbRole } from './role-grants.js';

/**
 * Statements that create the group roles (when missing) and give the migrator CREATE on the
 * current database; run once by a superuser or a role with CREATEROLE (`shopstream db roles`).
 * Identifiers come only from the fixed ROLES list; the database name is quoted server-side (%I).
 */
export function createRoleStatements(): string[] {
  const create = ROLES.map(
    (role) =>
      `DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${role}') THEN CREATE ROLE ${role} NOLOGIN; END IF; END $$`,
  );
  return [
    ...create,
    `DO $$ BEGIN EXECUTE format('GRANT CONNECT, CREATE ON DATABASE %I TO shopstream_migrator', current_database()); END $$`,
    ...ROLES.filter((r) => r !== 'shopstream_migrator').map(
      (role) =>
        `DO $$ BEGIN EXECUTE format('GRANT CONNECT ON DATABASE %I TO ${role}', current_database()); END $$`,
    ),
  ];
}

/**
 * Grants every existing group role its privileges on the existing tables (role-grants.ts). Called
 * by the migration run after the migrations, as the owner of the tables; GRANT is idempotent, and
 * a database without the roles (PGlite, a single-role setup) is left as it is.
 */
export async function applyRoleGrants(tx: SqlExecutor): Promise<void> {
  const roles = await existing(
    tx,
    `SELECT rolname AS name FROM pg_roles WHERE rolname = ANY($1::text[])`,
    ROLES,
  );
  const readers = ROLES.filter((r) => r !== 'shopstream_migrator' && roles.has(r));
  if (readers.length === 0) return;
  const schemas = await existing(
    tx,
    `SELECT nspname AS name FROM pg_namespace WHERE nspname = ANY($1::text[])`,
    SCHEMAS,
  );
  for (const statement of grantStatements(readers, schemas, await existingTables(tx)))
    await tx.query(statement);
}

/** The GRANT statements for `readers` (existing roles) on the existing schemas and tables. */
export function grantStatements(
  readers: readonly DbRole[],
  schemas: ReadonlySet<string>,
  tables: ReadonlySet<string>,
): string[] {
  const out: string[] = [];
  const to = readers.join(', ');
  for (const schema of SCHEMAS.filter((s) => schemas.has(s))) {
    out.push(`GRANT USAGE ON SCHEMA ${schema} TO ${to}`);
    out.push(`GRANT SELECT ON ALL TABLES IN SCHEMA ${schema} TO ${to}`);
    out.push(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${schema} TO ${to}`);
  }
  for (const [table, writes] of Object.entries(WRITES)) {
    if (!tables.has(table)) continue;
    for (const [role, write] of Object.entries(writes) as Array<
      [DbRole, NonNullable<(typeof writes)[DbRole]>]
    >) {
      if (!readers.includes(role)) continue;
      const whole = write.privileges.filter((p) => p !== 'UPDATE' || write.updateColumns === undefined);
      if (whole.length > 0) out.push(`GRANT ${whole.join(', ')} ON ${table} TO ${role}`);
      if (write.updateColumns !== undefined)
        out.push(`GRANT UPDATE (${write.updateColumns.join(', ')}) ON ${table} TO ${role}`);
    }
  }
  const martWriters = MART_WRITERS.filter((r) => readers.includes(r));
  if (schemas.has('mart') && martWriters.length > 0)
    out.push(`GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA mart TO ${martWriters.join(', ')}`);
  return out;
}

async function existing(tx: SqlExecutor, sql: string, names: readonly string[]): Promise<Set<string>> {
  return new Set((await tx.query<{ name: string }>(sql, [names])).map((r) => r.name));
}

/** Schema-qualified names of the tables of SCHEMAS. */
export async function existingTables(db: SqlExecutor): Promise<Set<string>> {
  const rows = await db.query<{ name: string }>(
    `SELECT schemaname || '.' || tablename AS name FROM pg_tables WHERE schemaname = ANY($1::text[])`,
    [SCHEMAS],
  );
  return new Set(rows.map((r) => r.name));
}
