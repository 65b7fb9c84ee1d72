import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadConfig } from '../../src/config/index.js';
import { isShopError, type ErrorCode } from '../../src/errors/index.js';
import { kafkaLogOptionsFromConfig, openKafkaLog, type KafkaLogOptions } from '../../src/log/kafka/index.js';
import { runCli, runCliOk, tempDataDir } from '../helpers/cli.js';
import { deleteTestTopics, uniqueTopic } from '../helpers/kafka.js';
import { testSecureKafka, type SecureKafka } from '../helpers/kafka-secure.js';

/**
 * TLS and SASL against the TLS-only broker of `scripts/kafka.sh start-secure`. Positive cases go
 * through the config schema (kafka.* fields, files read by the composition code) and append + read;
 * negative cases must reject with their own code, well before the request deadline would give a
 * generic SHOP_LOG_UNAVAILABLE: a retry loop then knows not to retry, and nothing hangs.
 */
const REQUEST_TIMEOUT_MS = 8_000;

function optionsFor(broker: SecureKafka, kafka: Record<string, unknown>, brokers: string): KafkaLogOptions {
  const config = loadConfig({
    overrides: { log: { brokers }, kafka: { requestTimeoutMs: REQUEST_TIMEOUT_MS, ...kafka } },
  });
  return kafkaLogOptionsFromConfig(config);
}

async function roundTrip(options: KafkaLogOptions): Promise<void> {
  const log = await openKafkaLog(options);
  const topic = uniqueTopic('secure');
  try {
    await log.ensureTopic({ name: topic, partitions: 1 });
    const { positions } = await log.append(topic, [
      { key: Buffer.from('u1'), value: Buffer.from('{"a":1}') },
    ]);
    const got = await log.read(topic, 0, positions[0]!.offset, { maxRecords: 10 });
    assert.equal(got[0]?.value.toString(), '{"a":1}');
  } finally {
    await log.close();
    await deleteTestTopics([...options.brokers], [topic], options);
  }
}

/** Rejects with `code`, faster than the request deadline (so not by it). */
async function rejectsQuickly(options: KafkaLogOptions, code: ErrorCode): Promise<void> {
  const started = Date.now();
  await assert.rejects(openKafkaLog(options), (err: unknown) => {
    assert.ok(isShopError(err, code), `expected ${code}, got ${String(err)}`);
    return true;
  });
  const elapsed = Date.now() - started;
  assert.ok(
    elapsed < REQUEST_TIMEOUT_MS,
    `rejected after ${elapsed} ms, by the deadline rather than the cause`,
  );
}

describe('kafka TLS and SASL (scripts/kafka.sh start-secure)', () => {
  for (const mechanism of ['SCRAM-SHA-256', 'SCRAM-SHA-512', 'PLAIN'] as const) {
    test(`SASL_SSL with ${mechanism} and the CA file: append and read`, async () => {
      const b = await testSecureKafka();
      const sasl = { saslMechanism: mechanism, saslUsername: b.username, saslPassword: b.password };
      await roundTrip(optionsFor(b, { tls: true, tlsCaFile: b.caFile, ...sasl }, b.saslBootstrap));
    });
  }

  test('mutual TLS with a client certificate on the SSL listener', async () => {
    const b = await testSecureKafka();
    const tls = {
      tls: true,
      tlsCaFile: b.caFile,
      tlsCertFile: b.clientCertFile,
      tlsKeyFile: b.clientKeyFile,
    };
    await roundTrip(optionsFor(b, tls, b.sslBootstrap));
  });

  test('a wrong password is SHOP_LOG_AUTH_FAILED (not retryable), for SCRAM and PLAIN', async () => {
    const b = await testSecureKafka();
    for (const mechanism of ['SCRAM-SHA-256', 'PLAIN']) {
      const kafka = { tls: true, tlsCaFile: b.caFile, saslMechanism: mechanism, saslUsername: b.username };
      await rejectsQuickly(
        optionsFor(b, { ...kafka, saslPassword: 'wrong' }, b.saslBootstrap),
        'SHOP_LOG_AUTH_FAILED',
      );
      await rejectsQuickly(
        optionsFor(b, { ...kafka, saslUsername: 'nobody', saslPassword: b.password }, b.saslBootstrap),
        'SHOP_LOG_AUTH_FAILED',
      );
    }
  });

  test('an untrusted broker certificate is SHOP_LOG_TLS_FAILED: system CAs, another CA, another name', async () => {
    const b = await testSecureKafka();
    const sasl = { saslMechanism: 'SCRAM-SHA-256', saslUsername: b.username, saslPassword: b.password };
    await rejectsQuickly(optionsFor(b, { tls: true, ...sasl }, b.saslBootstrap), 'SHOP_LOG_TLS_FAILED');
    // The client's own certificate is not a CA: trusting it alone trusts no broker.
    const otherCa = { tls: true, tlsCaFile: b.clientCertFile, ...sasl };
    await rejectsQuickly(optionsFor(b, otherCa, b.saslBootstrap), 'SHOP_LOG_TLS_FAILED');
    const otherName = { tls: true, tlsCaFile: b.caFile, tlsServerName: 'kafka.example.com', ...sasl };
    await rejectsQuickly(optionsFor(b, otherName, b.saslBootstrap), 'SHOP_LOG_TLS_FAILED');
  });

  test('without a client certificate (mutual TLS) or without TLS: rejected within the deadline, no hang', async () => {
    const b = await testSecureKafka();
    const started = Date.now();
    for (const kafka of [{ tls: true, tlsCaFile: b.caFile }, {}]) {
      await assert.rejects(openKafkaLog(optionsFor(b, kafka, b.sslBootstrap)), (err: unknown) =>
        isShopError(err, 'SHOP_LOG_UNAVAILABLE'),
      );
    }
    assert.ok(Date.now() - started < 2 * REQUEST_TIMEOUT_MS + 4_000);
  });

  test('incomplete TLS settings are SHOP_CONFIG_INVALID before any connection', async () => {
    const b = await testSecureKafka();
    assert.throws(() => optionsFor(b, { tlsCaFile: b.caFile }, b.saslBootstrap), /SHOP_CONFIG_INVALID/);
    assert.throws(
      () => optionsFor(b, { tls: true, tlsCertFile: b.clientCertFile }, b.saslBootstrap),
      /SHOP_CONFIG_INVALID/,
    );
    assert.throws(
      () => optionsFor(b, { tls: true, tlsCaFile: '/nonexistent/ca.crt' }, b.saslBootstrap),
      /cannot read/,
    );
  });

  test('the CLI takes TLS and SASL from SHOPSTREAM_KAFKA_* (topics create and describe; a wrong password exits 1 with the code)', async () => {
    const b = await testSecureKafka();
    const data = await tempDataDir('kafka-secure');
    const topic = uniqueTopic('cli-secure');
    const env = {
      SHOPSTREAM_LOG_BROKERS: b.saslBootstrap,
      SHOPSTREAM_KAFKA_TLS: 'true',
      SHOPSTREAM_KAFKA_TLS_CA_FILE: b.caFile,
      SHOPSTREAM_KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      SHOPSTREAM_KAFKA_SASL_USERNAME: b.username,
      SHOPSTREAM_KAFKA_SASL_PASSWORD: b.password,
    };
    try {
      await runCliOk(['topics', 'create', topic, '--partitions', '2'], { dataDir: data.dir, env });
      const described = JSON.parse(
        await runCliOk(['topics', 'describe', topic, '--json'], { dataDir: data.dir, env }),
      ) as { kind: string; topics: Array<{ partitions: unknown[] }> };
      assert.equal(described.kind, 'kafka');
      assert.equal(described.topics[0]?.partitions.length, 2);
      const denied = await runCli(['topics', 'describe', topic], {
        dataDir: data.dir,
        env: { ...env, SHOPSTREAM_KAFKA_SASL_PASSWORD: 'wrong' },
      });
      assert.equal(denied.code, 1);
      assert.match(denied.stderr, /SHOP_LOG_AUTH_FAILED/);
    } finally {
      await data.cleanup();
      const options = optionsFor(
        b,
        {
          tls: true,
          tlsCaFile: b.caFile,
          saslMechanism: 'SCRAM-SHA-512',
          saslUsername: b.username,
          saslPassword: b.password,
        },
        b.saslBootstrap,
      );
      await deleteTestTopics([b.saslBootstrap], [topic], options);
    }
  });
});
