import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NetworkError, ProtocolError, ResponseError, TimeoutError, UserError } from '@platformatic/kafka';
import { ShopError } from '../../errors/index.js';
import { classifyKafkaError, collectErrorFacts, toShopError } from './kafka-errors.js';

/** A response error as the client builds it from a broker answer carrying Kafka error `code`. */
const brokerError = (code: number): ResponseError =>
  new ResponseError(1, 17, { '/responses/0/partitions/0': [code, null] }, {});

test('broker error codes map to ShopError codes', () => {
  assert.equal(classifyKafkaError(brokerError(1)), 'SHOP_LOG_OFFSET_OUT_OF_RANGE');
  assert.equal(classifyKafkaError(brokerError(3)), 'SHOP_LOG_TOPIC_NOT_FOUND');
  assert.equal(classifyKafkaError(brokerError(10)), 'SHOP_LOG_RECORD_TOO_LARGE');
  assert.equal(classifyKafkaError(brokerError(19)), 'SHOP_LOG_NOT_ENOUGH_REPLICAS');
  assert.equal(classifyKafkaError(brokerError(6)), 'SHOP_LOG_UNAVAILABLE');
  assert.equal(classifyKafkaError(brokerError(29)), 'SHOP_LOG_AUTH_FAILED');
  assert.equal(classifyKafkaError(brokerError(42)), 'SHOP_LOG_BROKER_REJECTED');
});

test('network failures, also nested in retries and causes, are SHOP_LOG_UNAVAILABLE', () => {
  const refused = new NetworkError('Connection failed', { cause: new Error('ECONNREFUSED') });
  assert.equal(classifyKafkaError(refused), 'SHOP_LOG_UNAVAILABLE');
  assert.equal(classifyKafkaError(new AggregateError([new Error('x'), refused])), 'SHOP_LOG_UNAVAILABLE');
  assert.equal(classifyKafkaError(new TimeoutError('Request timed out')), 'SHOP_LOG_UNAVAILABLE');
  assert.equal(classifyKafkaError(new Error('wrapper', { cause: refused })), 'SHOP_LOG_UNAVAILABLE');
});

test('user errors of the client: unknown topic, vanished leader (stale metadata), anything else', () => {
  assert.equal(classifyKafkaError(new UserError('Unknown topic orders.')), 'SHOP_LOG_TOPIC_NOT_FOUND');
  assert.equal(
    classifyKafkaError(new UserError('Cannot find broker with node id 3')),
    'SHOP_LOG_UNAVAILABLE',
  );
  assert.equal(classifyKafkaError(new UserError('Invalid options')), 'SHOP_LOG_BROKER_REJECTED');
});

test('toShopError keeps the cause and the Kafka error names; a ShopError passes through', () => {
  const original = brokerError(1);
  const wrapped = toShopError(original, 'read', { topic: 't' });
  assert.equal(wrapped.code, 'SHOP_LOG_OFFSET_OUT_OF_RANGE');
  assert.equal(wrapped.cause, original);
  assert.deepEqual(wrapped.details['kafkaErrors'], ['OFFSET_OUT_OF_RANGE']);
  assert.equal(wrapped.details['topic'], 't');
  const shop = new ShopError('SHOP_LOG_CLOSED', 'closed');
  assert.equal(toShopError(shop, 'read'), shop);
  assert.deepEqual(collectErrorFacts(new ProtocolError('NOT_ENOUGH_REPLICAS')).apiIds, [
    'NOT_ENOUGH_REPLICAS',
  ]);
});

test('TLS failures are SHOP_LOG_TLS_FAILED (not retryable); SASL failures SHOP_LOG_AUTH_FAILED', () => {
  const tlsError = (code: string) =>
    new NetworkError('Connection to 127.0.0.1:9093 failed.', {
      cause: Object.assign(new Error('certificate problem'), { code }),
    });
  for (const code of [
    'SELF_SIGNED_CERT_IN_CHAIN',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'ERR_TLS_CERT_ALTNAME_INVALID',
    'CERT_HAS_EXPIRED',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
  ]) {
    const err = toShopError(new AggregateError([tlsError(code)]), 'connect');
    assert.equal(err.code, 'SHOP_LOG_TLS_FAILED', code);
    assert.equal(err.canRetry, false);
  }
  const plaintextBroker = new UserError('TLS handshake failed. Please verify the broker supports TLS.');
  assert.equal(classifyKafkaError(new NetworkError('x', { cause: plaintextBroker })), 'SHOP_LOG_TLS_FAILED');
  const refused = new NetworkError('x', {
    cause: Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }),
  });
  assert.equal(classifyKafkaError(refused), 'SHOP_LOG_UNAVAILABLE');
  assert.equal(classifyKafkaError(new ProtocolError('SASL_AUTHENTICATION_FAILED')), 'SHOP_LOG_AUTH_FAILED');
});
