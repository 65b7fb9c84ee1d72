import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Config } from '../config/index.js';
import { openLake, type Lake } from '../lake/index.js';
import { RAW_TOPIC } from '../log/event-log.js';
import type { StreamProcessorOptions } from '../pipeline/processor/stream-processor.js';
import { openServingStore, type ServingStore } from '../store/index.js';

/**
 * The serving store the configuration names (PGlite under dataDir, or `store.url`), migrated or
 * verified per store.migrations; `migrations` overrides that (`db migrate`, `db roles`, restore).
 */
export function openStoreFromConfig(
  config: Readonly<Config>,
  migrations: 'apply' | 'verify' | 'skip' = config.store.migrations,
): Promise<ServingStore> {
  return openServingStore({ ...config.store, dataDir: config.dataDir, migrations });
}

export function lakeDirOf(config: Readonly<Config>): string {
  return config.lake.dir === '' ? join(config.dataDir, 'lake') : config.lake.dir;
}

/**
 * The lake the configuration names. `reader: 'api'` opens a read-only instance for serving:
 * lake.queryMemoryLimitMb, lake.queryThreads and lake.queryTimeoutMs apply, so a heavy query
 * fails with a coded error instead of starving or growing the process.
 */
export function openLakeFromConfig(
  config: Readonly<Config>,
  options: { readOnly?: boolean; reader?: 'api' } = {},
): Promise<Lake> {
  const api = options.reader === 'api';
  return openLake({
    dir: lakeDirOf(config),
    compression: config.lake.compression,
    rowGroupRows: config.lake.rowGroupRows,
    fsync: config.lake.fsync,
    readOnly: api || (options.readOnly ?? false),
    ...(api
      ? {
          memoryLimitMb: config.lake.queryMemoryLimitMb,
          threads: config.lake.queryThreads,
          queryTimeoutMs: config.lake.queryTimeoutMs,
        }
      : { memoryLimitMb: config.lake.writerMemoryLimitMb }),
  });
}

/** Processor options from the configuration; `partitions` undefined = all of the topic. */
export function processorOptionsFromConfig(
  config: Readonly<Config>,
  partitions?: readonly number[],
): StreamProcessorOptions {
  const p = config.processor;
  return {
    topic: RAW_TOPIC,
    ...(partitions === undefined ? {} : { partitions }),
    owner: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    watermarkMs: p.watermarkMs,
    maxBatchRecords: p.maxBatchRecords,
    maxWaitMs: p.maxWaitMs,
    minBatchIntervalMs: p.minBatchIntervalMs,
    idleFinalizeMs: p.idleFinalizeMs,
    consumerGroup: p.consumerGroup,
    validate: { ...config.contract, maxRecordBytes: config.log.maxRecordBytes },
    silver: { piiMasking: p.piiMasking, piiSalt: p.piiSalt },
    lake: { flushMaxBytes: config.lake.flushMaxBytes, flushMaxAgeMs: config.lake.flushMaxAgeMs },
  };
}
