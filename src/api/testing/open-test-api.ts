import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../../config/index.js';
import { openPgliteStore } from '../../store/pglite/pglite-store.js';
import type { ServingStore } from '../../store/serving-store.js';
import { buildApiServer, type ApiServerDeps } from '../build-api-server.js';
import { LiveFeed } from '../live/live-feed.js';

export interface TestApi {
  readonly app: FastifyInstance;
  readonly store: ServingStore;
  readonly feed: LiveFeed;
  readonly config: Readonly<Config>;
  close(): Promise<void>;
}

/** An API server on a fresh, migrated PGlite store in a temp folder; `close()` removes everything. */
export async function openTestApi(
  overrides: Record<string, unknown> = {},
  extra: Partial<Pick<ApiServerDeps, 'now' | 'status' | 'pollStore' | 'lake'>> = {},
): Promise<TestApi> {
  const dir = await mkdtemp(join(tmpdir(), 'shopstream-api-'));
  const config = loadConfig({ overrides: { dataDir: dir, ...overrides } });
  const store = await openPgliteStore({ dataDir: join(dir, 'serving') });
  await store.migrate();
  const feed = new LiveFeed();
  const app = await buildApiServer({ store, config, liveFeed: feed, logger: false, ...extra });
  return {
    app,
    store,
    feed,
    config,
    close: async () => {
      await app.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
