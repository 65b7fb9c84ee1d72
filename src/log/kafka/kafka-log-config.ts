import type { Config } from '../../config/index.js';
import type { KafkaLogOptions } from './kafka-log-options.js';

/**
 * KafkaLogOptions from the `log` and `kafka` config sections, for the CLI composition root.
 * `log.brokers` is comma-separated; `log.maxRecordBytes` bounds a record on both adapters.
 */
export function kafkaLogOptionsFromConfig(config: Pick<Config, 'log' | 'kafka'>): KafkaLogOptions {
  const { log, kafka } = config;
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
    tls: kafka.tls,
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
