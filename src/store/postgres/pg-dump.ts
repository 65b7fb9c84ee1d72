import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ShopError } from '../../errors/index.js';
import type { PgSslSettings } from './ssl-options.js';
import { redactUrl } from './connection-errors.js';

const run = promisify(execFile);

/** Schemas a backup holds: the serving tables and the batch marts. */
const SCHEMAS = ['serving', 'mart'] as const;

/**
 * libpq environment for pg_dump/pg_restore from store.ssl* (the tools read PGSSLMODE etc.; the URL
 * itself carries user, password, host and database).
 */
function libpqEnv(ssl: PgSslSettings): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...(ssl.sslMode === '' ? {} : { PGSSLMODE: ssl.sslMode }),
    ...(ssl.sslCaFile === '' ? {} : { PGSSLROOTCERT: ssl.sslCaFile }),
    ...(ssl.sslCertFile === '' ? {} : { PGSSLCERT: ssl.sslCertFile, PGSSLKEY: ssl.sslKeyFile }),
  };
}

/**
 * `pg_dump --format=custom` of the serving and mart schemas: one consistent snapshot (pg_dump runs
 * in one repeatable-read transaction), without owners or grants (the restoring migration role
 * owns what it restores and re-grants the roles).
 */
export async function pgDump(url: string, ssl: PgSslSettings, toFile: string): Promise<void> {
  const args = ['--format=custom', '--no-owner', '--no-privileges', ...SCHEMAS.map((s) => `--schema=${s}`)];
  await tool('pg_dump', [...args, `--file=${toFile}`, `--dbname=${splitPassword(url).url}`], url, ssl);
}

/** `pg_restore` into an empty database, in one transaction, stopping at the first error. */
export async function pgRestore(url: string, ssl: PgSslSettings, fromFile: string): Promise<void> {
  const args = ['--no-owner', '--no-privileges', '--single-transaction', '--exit-on-error'];
  await tool('pg_restore', [...args, `--dbname=${splitPassword(url).url}`, fromFile], url, ssl);
}

/** The URL without its password, which goes to PGPASSWORD instead (never on a command line). */
function splitPassword(url: string): { url: string; env: NodeJS.ProcessEnv } {
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  return { url: parsed.toString(), env: password === '' ? {} : { PGPASSWORD: password } };
}

async function tool(name: string, args: string[], url: string, ssl: PgSslSettings): Promise<void> {
  const { env } = splitPassword(url);
  try {
    await run(name, args, { env: { ...libpqEnv(ssl), ...env }, maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    const stderr = String((err as { stderr?: unknown }).stderr ?? (err as Error).message);
    throw new ShopError(
      'SHOP_STORE_BACKUP_FAILED',
      `${name} failed for ${redactUrl(url)}: ${stderr.trim().slice(-2000)}`,
      {
        cause: err,
        details: { tool: name, url: redactUrl(url) },
      },
    );
  }
}
