import { join } from 'node:path';
import type { Config } from '../config/index.js';
import { openEmbeddedLog } from '../log/embedded/index.js';
import type { EventLog } from '../log/event-log.js';
import { kafkaLogOptionsFromConfig, openKafkaLog } from '../log/kafka/index.js';

export interface OpenEventLogOptions {
  /** `write` takes the embedded log's lock; `read` (stats, tail) works beside a running writer. */
  readonly mode: 'write' | 'read';
}

/**
 * The one place that picks the event-log adapter: the embedded log under `<dataDir>/log` when
 * `log.brokers` is empty, Kafka otherwise.
 */
export async function openEventLog(
  config: Readonly<Config>,
  options: OpenEventLogOptions,
): Promise<EventLog> {
  // Kafka has no single-writer lock: `mode` only matters to the embedded log.
  if (config.log.brokers.trim() !== '') return openKafkaLog(kafkaLogOptionsFromConfig(config));
  return openEmbeddedLog({
    dir: join(config.dataDir, 'log'),
    mode: options.mode,
    fsync: config.log.fsync,
    fsyncIntervalMs: config.log.fsyncIntervalMs,
    segmentBytes: config.log.segmentBytes,
    maxRecordBytes: config.log.maxRecordBytes,
  });
}

/**
 * Creates processed topics (the downstream ones) when missing, with log.processedRetentionMs
 * (raw topics use retentionOf). An existing topic is left as it is: change its retention on the
 * broker (`kafka-configs --alter`), as for any topic.
 */
export async function ensureProcessedTopics(
  log: EventLog,
  config: Readonly<Config>,
  topics: readonly string[],
): Promise<void> {
  const retentionMs = config.log.processedRetentionMs;
  for (const name of topics) {
    await log.ensureTopic({
      name,
      partitions: config.log.partitions,
      replicationFactor: config.log.replicationFactor,
      ...(retentionMs > 0 ? { retentionMs } : {}),
    });
  }
}

/** Raw-topic retention from config (0 = unlimited). */
export function retentionOf(config: Readonly<Config>): { retentionMs?: number; retentionBytes?: number } {
  return {
    ...(config.log.retentionMs > 0 ? { retentionMs: config.log.retentionMs } : {}),
    ...(config.log.retentionBytes > 0 ? { retentionBytes: config.log.retentionBytes } : {}),
  };
}
