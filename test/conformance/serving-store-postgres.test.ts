import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { test } from 'node:test';
import { isShopError } from '../../src/errors/index.js';
import { openPostgresStore, type ServingStore } from '../../src/store/index.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { servingStoreConformance } from './serving-store-suite.js';

const POOL = { poolSize: 4, statementTimeoutMs: 10_000, connectTimeoutMs: 3_000 };

servingStoreConformance('postgres', async () => {
  const db = await createTestDatabase();
  const stores: ServingStore[] = [await openPostgresStore({ url: db.url, ...POOL })];
  return {
    store: stores[0] as ServingStore,
    openAnother: async () => {
      const another = await openPostgresStore({ url: db.url, ...POOL });
      stores.push(another);
      return another;
    },
    dispose: async () => {
      for (const s of stores) await s.close();
      await db.drop();
    },
  };
});

test('postgres: a refused connection is SHOP_STORE_UNAVAILABLE (retryable), not a hang', async () => {
  const port = await freePort();
  await assert.rejects(
    openPostgresStore({ url: `postgres://postgres:secret@127.0.0.1:${port}/x`, ...POOL }),
    (err) => {
      assert.ok(isShopError(err, 'SHOP_STORE_UNAVAILABLE'));
      assert.equal(err.canRetry, true);
      assert.ok(!err.message.includes('secret'), 'the password never appears in errors');
      return true;
    },
  );
});

test('postgres: a server that accepts but never answers is SHOP_STORE_UNAVAILABLE after the connect timeout', async () => {
  const sockets = new Set<Socket>();
  const silent = createServer((socket) => void sockets.add(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const address = silent.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  try {
    await assert.rejects(
      openPostgresStore({ url: `postgres://postgres@127.0.0.1:${port}/x`, ...POOL, connectTimeoutMs: 500 }),
      (err) => isShopError(err, 'SHOP_STORE_UNAVAILABLE'),
    );
  } finally {
    for (const socket of sockets) socket.destroy();
    silent.close();
  }
});

test('postgres: a missing database is SHOP_STORE_UNAVAILABLE', async () => {
  const db = await createTestDatabase();
  await db.drop();
  await assert.rejects(openPostgresStore({ url: db.url, ...POOL }), (err) =>
    isShopError(err, 'SHOP_STORE_UNAVAILABLE'),
  );
});

test('postgres: statementTimeoutMs cancels a long query with SHOP_STORE_QUERY_FAILED', async () => {
  const db = await createTestDatabase();
  const store = await openPostgresStore({ url: db.url, ...POOL, statementTimeoutMs: 200 });
  try {
    await assert.rejects(
      store.query('SELECT pg_sleep(5)'),
      (err) => isShopError(err, 'SHOP_STORE_QUERY_FAILED') && err.details['sqlState'] === '57014',
    );
    await store.ping();
  } finally {
    await store.close();
    await db.drop();
  }
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
