import { join } from 'node:path';
import { openPgliteStore } from './pglite/pglite-store.js';
import { openPostgresStore } from './postgres/postgres-store.js';
import type { ServingStore } from './serving-store.js';

export interface ServingStoreOptions {
  /** Empty = embedded PGlite under `<dataDir>/serving`; `postgres://...` = a PostgreSQL server. */
  readonly url: string;
  readonly dataDir: string;
  readonly poolSize: number;
  readonly statementTimeoutMs: number;
  readonly connectTimeoutMs: number;
}

/** Opens the adapter the options name and applies missing migrations. */
export async function openServingStore(options: ServingStoreOptions): Promise<ServingStore> {
  const store =
    options.url === ''
      ? await openPgliteStore({ dataDir: join(options.dataDir, 'serving') })
      : await openPostgresStore({
          url: options.url,
          poolSize: options.poolSize,
          statementTimeoutMs: options.statementTimeoutMs,
          connectTimeoutMs: options.connectTimeoutMs,
        });
  try {
    await store.migrate();
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}
