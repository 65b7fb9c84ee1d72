import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPgliteStore } from '../../src/store/pglite/pglite-store.js';
import { customerAnalyticsSuite } from './customer-analytics-suite.js';

customerAnalyticsSuite('pglite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'shopstream-customers-'));
  const store = await openPgliteStore({ dataDir: join(dir, 'serving') });
  return {
    store,
    dispose: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
