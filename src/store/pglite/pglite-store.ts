import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { ShopError, isShopError } from '../../errors/index.js';
import { runMigrations } from '../migrate.js';
import { queryFailed } from '../query-error.js';
import type { ServingStore, SqlExecutor } from '../serving-store.js';
import { acquirePidLock } from './pid-lock-file.js';
import { PGLITE_PARSERS } from './type-parsers.js';

export interface PgliteStoreOptions {
  /** Folder of the database: `<dataDir>/pgdata` holds PostgreSQL's files, `<dataDir>/shopstream.lock` the owner's pid. */
  readonly dataDir: string;
}

/**
 * Opens the embedded serving store. One process at a time owns the folder (SHOP_STORE_LOCKED
 * otherwise; a lock left by a dead process is taken over). PGlite is a single connection: queries
 * and transactions run one after another, in call order.
 */
export async function openPgliteStore(options: PgliteStoreOptions): Promise<ServingStore> {
  await mkdir(options.dataDir, { recursive: true });
  const release = await acquirePidLock(join(options.dataDir, 'shopstream.lock'));
  let db: PGlite;
  try {
    db = await PGlite.create(join(options.dataDir, 'pgdata'), { parsers: PGLITE_PARSERS });
    await db.exec(`SET TIME ZONE 'UTC'`);
  } catch (err) {
    await release();
    if (isShopError(err)) throw err;
    throw new ShopError('SHOP_STORE_UNAVAILABLE', `cannot open PGlite in ${options.dataDir}`, {
      cause: err,
      details: { dataDir: options.dataDir },
    });
  }
  return new PgliteStore(db, release);
}

class PgliteStore implements ServingStore {
  readonly kind = 'pglite' as const;
  private closed = false;

  constructor(
    private readonly db: PGlite,
    private readonly release: () => Promise<void>,
  ) {}

  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]> {
    return runQuery<R>(this.db, sql, params);
  }

  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => fn(executorOf(tx)));
  }

  async migrate(): Promise<void> {
    await runMigrations((fn) => this.transaction(fn));
  }

  async ping(): Promise<void> {
    if (this.closed || this.db.closed)
      throw new ShopError('SHOP_STORE_UNAVAILABLE', 'the PGlite store is closed');
    await this.query('SELECT 1');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.db.close();
    } finally {
      await this.release();
    }
  }
}

function executorOf(tx: Transaction): SqlExecutor {
  return { query: <R>(sql: string, params?: readonly unknown[]) => runQuery<R>(tx, sql, params) };
}

async function runQuery<R>(
  target: PGlite | Transaction,
  sql: string,
  params: readonly unknown[] | undefined,
): Promise<R[]> {
  try {
    const result = await target.query<R>(sql, params === undefined ? undefined : [...params]);
    return result.rows;
  } catch (err) {
    throw queryFailed(err, sql, params);
  }
}
