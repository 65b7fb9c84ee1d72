import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../../config/index.js';
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
  assert.equal(sasl.tls, true);
});
