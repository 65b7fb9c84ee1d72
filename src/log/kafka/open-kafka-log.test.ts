import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { test } from 'node:test';
import { isShopError } from '../../errors/index.js';
import { openKafkaLog } from './open-kafka-log.js';

/** A loopback port with nothing listening: bind, read the port, close. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A server that accepts connections and never answers (a hung broker). */
async function silentServer(): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => socket.on('error', () => undefined));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

// The test timeouts turn a hang into a failure; they are bounds, not performance checks.
test('an unreachable broker gives SHOP_LOG_UNAVAILABLE, never a hang', { timeout: 20_000 }, async () => {
  const port = await closedPort();
  await assert.rejects(
    openKafkaLog({ brokers: [`127.0.0.1:${port}`], requestTimeoutMs: 1500, connectTimeoutMs: 500 }),
    (err) => {
      assert.ok(isShopError(err, 'SHOP_LOG_UNAVAILABLE'), String(err));
      assert.equal(err.canRetry, true);
      return true;
    },
  );
});

test(
  'a broker that accepts connections but never answers is bounded by the deadline too',
  { timeout: 20_000 },
  async () => {
    const { server, port } = await silentServer();
    try {
      await assert.rejects(
        openKafkaLog({ brokers: [`127.0.0.1:${port}`], requestTimeoutMs: 1000, connectTimeoutMs: 500 }),
        (err) => isShopError(err) && (err.code === 'SHOP_LOG_UNAVAILABLE' || err.code === 'SHOP_LOG_TIMEOUT'),
      );
    } finally {
      server.close();
    }
  },
);

test('no bootstrap server is a configuration error', async () => {
  await assert.rejects(openKafkaLog({ brokers: [' ', ''] }), (err) =>
    isShopError(err, 'SHOP_CONFIG_INVALID'),
  );
});
