import { readFileSync } from 'node:fs';
import type { Config } from '../../config/index.js';
import { ShopError } from '../../errors/index.js';
import type { KafkaLogOptions, KafkaTlsOptions } from './kafka-log-options.js';

/**
 * KafkaLogOptions from the `log` and `kafka` config sections, for the CLI composition root.
 * `log.brokers` is comma-separated; `log.maxRecordBytes` bounds a record on both adapters. The
 * TLS files are read here (SHOP_CONFIG_INVALID when one cannot be read or the set is incomplete).
 */
export function kafkaLogOptionsFromConfig(config: Pick<Config, 'log' | 'kafka'>): KafkaLogOptions {
  const { log, kafka } = config;
  const tls = tlsOptionsOf(kafka);
  return {
    brokers: log.brokers
      .split(',')
      .map((b) => b.trim())
      .filter((b) => b.length > 0),
    clientId: kafka.clientId,
    requestTimeoutMs: kafka.requestTimeoutMs,
    connectTimeoutMs: kafka.connectTimeoutMs,
    replicationFactor: log.replicationFactor,
    maxRecordBytes: log.maxRecordBytes,
    maxBatchBytes: kafka.maxBatchBytes,
    maxFetchBytes: kafka.maxFetchBytes,
    ...(tls === undefined ? {} : { tls }),
    ...(kafka.saslMechanism === ''
      ? {}
      : {
          sasl: {
            mechanism: kafka.saslMechanism,
            username: kafka.saslUsername,
            password: kafka.saslPassword,
          },
        }),
  };
}

type KafkaSection = Config['kafka'];

function tlsOptionsOf(kafka: KafkaSection): KafkaTlsOptions | undefined {
  const files = [kafka.tlsCaFile, kafka.tlsCertFile, kafka.tlsKeyFile, kafka.tlsServerName];
  if (!kafka.tls) {
    if (files.some((f) => f !== ''))
      throw new ShopError(
        'SHOP_CONFIG_INVALID',
        'kafka.tlsCaFile/tlsCertFile/tlsKeyFile/tlsServerName need kafka.tls=true',
      );
    return undefined;
  }
  if ((kafka.tlsCertFile === '') !== (kafka.tlsKeyFile === ''))
    throw new ShopError('SHOP_CONFIG_INVALID', 'kafka.tlsCertFile and kafka.tlsKeyFile go together');
  return {
    ...pem('ca', 'kafka.tlsCaFile', kafka.tlsCaFile),
    ...pem('cert', 'kafka.tlsCertFile', kafka.tlsCertFile),
    ...pem('key', 'kafka.tlsKeyFile', kafka.tlsKeyFile),
    ...(kafka.tlsServerName === '' ? {} : { serverName: kafka.tlsServerName }),
  };
}

function pem<K extends 'ca' | 'cert' | 'key'>(
  key: K,
  field: string,
  path: string,
): Partial<Record<K, string>> {
  if (path === '') return {};
  try {
    return { [key]: readFileSync(path, 'utf8') } as Partial<Record<K, string>>;
  } catch (err) {
    throw new ShopError('SHOP_CONFIG_INVALID', `${field}: cannot read ${path}`, {
      cause: err,
      details: { field, path },
    });
  }
}
