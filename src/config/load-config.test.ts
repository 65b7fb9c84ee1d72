import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from './load-config.js';
import { isShopError } from '../errors/index.js';

test('defaults apply and the result is frozen', () => {
  const config = loadConfig();
  assert.equal(config.dataDir, './data');
  assert.equal(config.log.fsync, 'always');
  assert.throws(() => {
    (config as { dataDir: string }).dataDir = 'x';
  });
});

test('env overrides defaults and is converted to the schema type', () => {
  const config = loadConfig({
    env: { SHOPSTREAM_LOG_PARTITIONS: '8', SHOPSTREAM_DATA_DIR: '/tmp/x', PATH: '/bin' },
  });
  assert.equal(config.log.partitions, 8);
  assert.equal(config.dataDir, '/tmp/x');
});

test('overrides win over env', () => {
  const config = loadConfig({ env: { SHOPSTREAM_DATA_DIR: '/a' }, overrides: { dataDir: '/b' } });
  assert.equal(config.dataDir, '/b');
});

test('unknown keys are rejected with a coded error', () => {
  assert.throws(
    () => loadConfig({ overrides: { log: { partitons: 3 } } }),
    (e) => isShopError(e, 'SHOP_CONFIG_UNKNOWN_KEY'),
  );
  assert.throws(
    () => loadConfig({ env: { SHOPSTREAM_NOPE: '1' } }),
    (e) => isShopError(e, 'SHOP_CONFIG_UNKNOWN_KEY'),
  );
});

test('values outside the schema are rejected', () => {
  assert.throws(
    () => loadConfig({ overrides: { log: { partitions: 0 } } }),
    (e) => isShopError(e, 'SHOP_CONFIG_INVALID'),
  );
  assert.throws(
    () => loadConfig({ overrides: { log: { fsync: 'sometimes' } } }),
    (e) => isShopError(e, 'SHOP_CONFIG_INVALID'),
  );
});

test('test-harness and dev-script variables are not configuration', () => {
  const config = loadConfig({
    env: { SHOPSTREAM_TEST_PG_URL: 'postgres://x', SHOPSTREAM_DEV_KAFKA_PORT: '1' },
  });
  assert.equal(config.dataDir, './data');
});
