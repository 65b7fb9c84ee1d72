import type { ConnectionOptions } from 'node:tls';
import pg from 'pg';
import { ShopError } from '../../errors/index.js';
import { runMigrations } from '../migrate.js';
import type { ServingStore, SqlExecutor } from '../serving-store.js';
import { connectFailed, storeErrorOf } from './connection-errors.js';
import { PG_TYPES } from './type-parsers.js';

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database`. */
  readonly url: string;
  /** Most connections the pool opens. */
  readonly poolSize: number;
  /** Server-side statement_timeout of every connection; 0 = none. */
  readonly statementTimeoutMs: number;
  /** Longest wait for a connection (to connect, or for a free pool slot) before SHOP_STORE_UNAVAILABLE. */
  readonly connectTimeoutMs?: number;
  /** Called with errors of idle pooled connections (the next query reports its own coded error). */
  readonly onIdleError?: (err: Error) => void;
  /** TLS (ssl-options.ts); undefined = as the URL says; false = plaintext. */
  readonly ssl?: ConnectionOptions | false;
}

/** Opens a pool on a PostgreSQL server and checks it answers (SHOP_STORE_UNAVAILABLE otherwise). */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<ServingStore> {
  const connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize,
    connectionTimeoutMillis: connectTimeoutMs,
    idleTimeoutMillis: 30_000,
    statement_timeout: options.statementTimeoutMs > 0 ? options.statementTimeoutMs : undefined,
    query_timeout: options.statementTimeoutMs > 0 ? options.statementTimeoutMs + connectTimeoutMs : undefined,
    options: '-c TimeZone=UTC',
    application_name: 'shopstream',
    types: PG_TYPES,
    ...(options.ssl === undefined ? {} : { ssl: options.ssl }),
  });
  pool.on('error', (err) => options.onIdleError?.(err));
  const store = new PostgresStore(pool, options.url);
  try {
    await store.ping();
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
  return store;
}

class PostgresStore implements ServingStore {
  readonly kind = 'postgres' as const;
  private closed = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly url: string,
  ) {}

  async query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]> {
    try {
      const result = await this.pool.query(sql, params === undefined ? undefined : [...params]);
      return result.rows as R[];
    } catch (err) {
      throw storeErrorOf(err, sql, params, this.url);
    }
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.connect();
    const tx = executorOf(client, this.url);
    let broken = false;
    try {
      await tx.query('BEGIN');
      const result = await fn(tx);
      await tx.query('COMMIT');
      return result;
    } catch (err) {
      broken = await rollback(client);
      throw err;
    } finally {
      client.release(broken);
    }
  }

  async migrate(): Promise<void> {
    await runMigrations((fn) => this.transaction(fn));
  }

  async ping(): Promise<void> {
    if (this.closed) throw new ShopError('SHOP_STORE_UNAVAILABLE', 'the PostgreSQL store is closed');
    await this.query('SELECT 1');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  private async connect(): Promise<pg.PoolClient> {
    try {
      return await this.pool.connect();
    } catch (err) {
      throw connectFailed(err, this.url);
    }
  }
}

function executorOf(client: pg.PoolClient, url: string): SqlExecutor {
  return {
    async query<R>(sql: string, params?: readonly unknown[]): Promise<R[]> {
      try {
        const result = await client.query(sql, params === undefined ? undefined : [...params]);
        return result.rows as R[];
      } catch (err) {
        throw storeErrorOf(err, sql, params, url);
      }
    },
  };
}

/** Rolls back; returns true when the connection is unusable and must be destroyed, not pooled. */
async function rollback(client: pg.PoolClient): Promise<boolean> {
  try {
    await client.query('ROLLBACK');
    return false;
  } catch {
    return true;
  }
}
