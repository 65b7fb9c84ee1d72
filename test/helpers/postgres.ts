/**
 * A fresh PostgreSQL database per test suite. The server comes from SHOPSTREAM_TEST_PG_URL, or, when
 * that is unset, from `scripts/postgres.sh start` (installs and starts a local server). Tests never
 * skip for lack of a server: a missing server is a failure.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

export interface TestDatabase {
  /** URL of the new, empty database. */
  readonly url: string;
  /** Drops the database (terminating leftover connections). */
  drop(): Promise<void>;
}

/** URL of a running server: the env var, else the one `scripts/postgres.sh start` prints. */
export async function testServerUrl(): Promise<string> {
  const fromEnv = process.env['SHOPSTREAM_TEST_PG_URL'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const { stdout } = await run('bash', ['scripts/postgres.sh', 'start'], { timeout: 600_000 });
  const url = stdout.trim().split('\n').pop();
  if (url === undefined || !url.startsWith('postgres'))
    throw new Error(`scripts/postgres.sh start printed no URL: ${stdout}`);
  return url;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = await testServerUrl();
  const name = `shopstream_t_${randomBytes(6).toString('hex')}`;
  await adminQuery(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
