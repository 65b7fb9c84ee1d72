/**
 * The TLS-only PostgreSQL test server (`SHOPSTREAM_PG_SSL=on scripts/postgres.sh start`: ssl=on,
 * a self-signed CA, `hostssl` + scram-sha-256 only). SHOPSTREAM_TEST_PG_SSL_URL and
 * SHOPSTREAM_TEST_PG_SSL_CA name a running one (CI); otherwise the script is run with the folder
 * and port below. Never skipped. A fresh database per suite, like test/helpers/postgres.ts.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

export interface SslServer {
  /** Superuser URL (with password), no ssl parameters. */
  readonly url: string;
  readonly caFile: string;
}

let server: Promise<SslServer> | undefined;

export function testSslServer(): Promise<SslServer> {
  server ??= resolveServer();
  return server;
}

async function resolveServer(): Promise<SslServer> {
  const url = process.env['SHOPSTREAM_TEST_PG_SSL_URL'];
  const caFile = process.env['SHOPSTREAM_TEST_PG_SSL_CA'];
  if (url && caFile) return { url, caFile };
  const env = {
    ...process.env,
    SHOPSTREAM_PG_SSL: 'on',
    SHOPSTREAM_PG_DIR: process.env['SHOPSTREAM_TEST_PG_SSL_DIR'] ?? '/tmp/shopstream-pg-ssl',
    SHOPSTREAM_PG_PORT: process.env['SHOPSTREAM_TEST_PG_SSL_PORT'] ?? '55433',
  };
  const script = (cmd: string) => run('bash', ['scripts/postgres.sh', cmd], { env, timeout: 600_000 });
  const started = (await script('start')).stdout.trim().split('\n').pop() ?? '';
  return { url: started, caFile: (await script('ca')).stdout.trim() };
}

/** A pg client config for `url` verified against the test CA. */
export function verifiedClient(url: string, caFile: string): pg.ClientConfig {
  return {
    connectionString: url,
    ssl: { ca: readFileSync(caFile, 'utf8') },
    connectionTimeoutMillis: 10_000,
  };
}

/** Runs statements as the superuser on `database` (default: the server URL's). */
export async function sslAdmin(
  s: SslServer,
  statements: readonly string[],
  database?: string,
): Promise<void> {
  const url = new URL(s.url);
  if (database !== undefined) url.pathname = `/${database}`;
  const client = new pg.Client(verifiedClient(url.toString(), s.caFile));
  await client.connect();
  try {
    for (const sql of statements) await client.query(sql);
  } finally {
    await client.end();
  }
}

/** `url` with another user, password and database. */
export function urlAs(base: string, user: string, password: string, database: string): string {
  const url = new URL(base);
  url.username = user;
  url.password = password;
  url.pathname = `/${database}`;
  return url.toString();
}

export interface SslTestDatabase {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

export async function createSslTestDatabase(s: SslServer): Promise<SslTestDatabase> {
  const name = `shopstream_ssl_${randomBytes(6).toString('hex')}`;
  await sslAdmin(s, [`CREATE DATABASE ${name}`]);
  return {
    name,
    url: urlAs(s.url, new URL(s.url).username, decodeURIComponent(new URL(s.url).password), name),
    drop: () => sslAdmin(s, [`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`]),
  };
}
