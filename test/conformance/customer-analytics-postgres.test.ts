import { openPostgresStore } from '../../src/store/index.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { customerAnalyticsSuite } from './customer-analytics-suite.js';

customerAnalyticsSuite('postgres', async () => {
  const db = await createTestDatabase();
  const store = await openPostgresStore({ url: db.url, poolSize: 4, statementTimeoutMs: 30_000 });
  return {
    store,
    dispose: async () => {
      await store.close();
      await db.drop();
    },
  };
});
