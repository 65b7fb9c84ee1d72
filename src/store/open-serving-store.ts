import { join } from 'node:path';
import { verifyMigrations } from './migrate.js';
import { openPgliteStore } from './pglite/pglite-store.js';
import { openPostgresStore } from './postgres/postgres-store.js';
import { pgSslOptions, type PgSslSettings } from './postgres/ssl-options.js';
import type { ServingStore } from './serving-store.js';

export interface ServingStoreOptions extends Partial<PgSslSettings> {
  /** Empty = embedded PGlite under `<dataDir>/serving`; `postgres://...` = a PostgreSQL server. */
  readonly url: string;
  readonly dataDir: string;
  readonly poolSize: number;
  /** Embedded PGlite only: shared_buffers in MiB. */
  readonly embeddedSharedBuffersMb?: number;
  readonly statementTimeoutMs: number;
  readonly connectTimeoutMs: number;
  /**
   * `apply` (default) = migrate on open; `verify` = only check that every migration is applied;
   * `skip` = neither (role setup, restore into an empty database).
   */
  readonly migrations?: 'apply' | 'verify' | 'skip';
}

/**
 * Opens the adapter the options name, then applies missing migrations (and the role grants, see
 * store/roles) or, with `migrations: 'verify'`, checks that none is missing
 * (SHOP_STORE_SCHEMA_OUTDATED), for roles that may not change the schema.
 */
export async function openServingStore(options: ServingStoreOptions): Promise<ServingStore> {
  const store =
    options.url === ''
      ? await openPgliteStore({
          dataDir: join(options.dataDir, 'serving'),
          sharedBuffersMb: options.embeddedSharedBuffersMb,
        })
      : await openPostgresStore({
          url: options.url,
          poolSize: options.poolSize,
          statementTimeoutMs: options.statementTimeoutMs,
          connectTimeoutMs: options.connectTimeoutMs,
          ssl: pgSslOptions(options.url, {
            sslMode: options.sslMode ?? '',
            sslCaFile: options.sslCaFile ?? '',
            sslCertFile: options.sslCertFile ?? '',
            sslKeyFile: options.sslKeyFile ?? '',
          }),
        });
  try {
    if (options.migrations === 'verify') await verifyMigrations(store);
    else if (options.migrations !== 'skip') await store.migrate();
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}
