import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config/index.js';
import { isShopError } from '../../errors/index.js';
import { kafkaLogOptionsFromConfig } from './kafka-log-config.js';

test('config maps to adapter options: brokers split, SASL only when a mechanism is set', () => {
  const plain = kafkaLogOptionsFromConfig(
    loadConfig({ overrides: { log: { brokers: ' a:9092, b:9093 ,' } } }),
  );
  assert.deepEqual(plain.brokers, ['a:9092', 'b:9093']);
  assert.equal(plain.sasl, undefined);
  assert.equal(plain.requestTimeoutMs, 10_000);
  const sasl = kafkaLogOptionsFromConfig(
    loadConfig({
      overrides: {
        kafka: { tls: true, saslMechanism: 'SCRAM-SHA-512', saslUsername: 'u', saslPassword: 'p' },
      },
    }),
  );
  assert.deepEqual(sasl.sasl, { mechanism: 'SCRAM-SHA-512', username: 'u', password: 'p' });
  assert.deepEqual(sasl.tls, {}, 'tls without files = the system CAs');
  assert.equal(plain.tls, undefined);
});

test('TLS files are read into PEM contents; a server name is passed on; inconsistent sets are refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shopstream-tls-'));
  try {
    for (const name of ['ca.crt', 'c.crt', 'c.key']) writeFileSync(join(dir, name), `PEM of ${name}`);
    const files = {
      tlsCaFile: join(dir, 'ca.crt'),
      tlsCertFile: join(dir, 'c.crt'),
      tlsKeyFile: join(dir, 'c.key'),
    };
    const options = kafkaLogOptionsFromConfig(
      loadConfig({ overrides: { kafka: { tls: true, tlsServerName: 'kafka.internal', ...files } } }),
    );
    assert.deepEqual(options.tls, {
      ca: 'PEM of ca.crt',
      cert: 'PEM of c.crt',
      key: 'PEM of c.key',
      serverName: 'kafka.internal',
    });
    const refused = (kafka: Record<string, unknown>) =>
      assert.throws(
        () => kafkaLogOptionsFromConfig(loadConfig({ overrides: { kafka } })),
        (err: unknown) => isShopError(err, 'SHOP_CONFIG_INVALID'),
      );
    refused({ tlsCaFile: files.tlsCaFile });
    refused({ tls: true, tlsCertFile: files.tlsCertFile });
    refused({ tls: true, tlsCaFile: join(dir, 'missing.crt') });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
