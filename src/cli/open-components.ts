import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ShopError } from '../errors/index.js';
import type { Config } from '../config/index.js';
import { openLake, parseS3Url, S3LakeStorage, type Lake, type LakeStorage } from '../lake/index.js';
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

/** The lake folder: `lake.dir`, else `<dataDir>/lake` (the staging folder and cache of an S3 lake). */
export function lakeDirOf(config: Readonly<Config>): string {
  const url = config.lake.url;
  if (url.startsWith('file:') && url !== 'file:') return fileURLToPath(url);
  return config.lake.dir === '' ? join(config.dataDir, 'lake') : config.lake.dir;
}

/** The storage of `lake.url`: undefined for a local folder (the lake's own default), else S3. */
export function lakeStorageOf(config: Readonly<Config>): LakeStorage | undefined {
  const { url, s3Endpoint, s3Region, s3ForcePathStyle } = config.lake;
  if (url === '' || url.startsWith('file:')) return undefined;
  if (!url.startsWith('s3://'))
    throw new ShopError(
      'SHOP_CONFIG_INVALID',
      `lake.url must be empty, file:///path or s3://bucket/prefix, got ${url}`,
      {
        details: { url },
      },
    );
  return new S3LakeStorage({
    ...parseS3Url(url),
    region: s3Region,
    ...(s3Endpoint === '' ? {} : { endpoint: s3Endpoint }),
    forcePathStyle: s3ForcePathStyle,
  });
}

type LakeReader = 'api' | 'batch';

/** The DuckDB limits of each kind of instance: the writer's, the API's or a batch attempt's. */
function instanceLimitsOf(config: Readonly<Config>, reader: LakeReader | undefined) {
  const lake = config.lake;
  switch (reader) {
    case 'api':
      return {
        memoryLimitMb: lake.queryMemoryLimitMb,
        threads: lake.queryThreads,
        queryTimeoutMs: lake.queryTimeoutMs,
      };
    case 'batch':
      return {
        memoryLimitMb: lake.batchMemoryLimitMb,
        threads: lake.batchThreads,
        tempDirectory: join(config.dataDir, 'tmp', 'duckdb'),
      };
    case undefined:
      return { memoryLimitMb: lake.writerMemoryLimitMb };
  }
}

/**
 * The lake the configuration names. `reader: 'api'` opens a read-only instance for serving:
 * lake.queryMemoryLimitMb, lake.queryThreads and lake.queryTimeoutMs apply, so a heavy query
 * fails with a coded error instead of starving or growing the process. `reader: 'batch'` opens a
 * read-only instance for one batch attempt of the scheduler (marts, data quality):
 * lake.batchMemoryLimitMb and lake.batchThreads, spilling to `<dataDir>/tmp/duckdb` beyond the limit.
 */
export async function openLakeFromConfig(
  config: Readonly<Config>,
  options: { readOnly?: boolean; reader?: LakeReader } = {},
): Promise<Lake> {
  const storage = lakeStorageOf(config);
  return openLake({
    dir: lakeDirOf(config),
    ...(storage === undefined ? {} : { storage }),
    ...tableOptionsOf(config),
    readOnly: options.reader !== undefined || (options.readOnly ?? false),
    ...instanceLimitsOf(config, options.reader),
  });
}

/** How the configuration writes lake tables: file format, durability, checkpoints, maintenance. */
function tableOptionsOf(config: Readonly<Config>) {
  const lake = config.lake;
  return {
    compression: lake.compression,
    rowGroupRows: lake.rowGroupRows,
    fsync: lake.fsync,
    checkpointInterval: lake.checkpointInterval,
    // A tombstone lives as long as vacuum keeps its file.
    tombstoneRetentionHours: lake.vacuumRetainHours,
    maintenanceMemoryLimitMb: lake.maintenanceMemoryLimitMb,
  };
}

/**
 * A throw-away lake in a local folder (e.g. `replay --verify`'s rebuild) written like the
 * configured one, with the writer's limits; no fsync (nothing in it must survive a crash) and
 * spilling to `<dataDir>/tmp/duckdb`.
 */
export function openScratchLakeFromConfig(config: Readonly<Config>, dir: string): Promise<Lake> {
  return openLake({
    dir,
    ...tableOptionsOf(config),
    fsync: false,
    ...instanceLimitsOf(config, undefined),
    tempDirectory: join(config.dataDir, 'tmp', 'duckdb'),
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
    ...(p.dedupeHotMs > 0 && p.dedupeHotMs < p.watermarkMs
      ? { dedupeSpill: { dir: join(config.dataDir, 'tmp', 'dedupe'), hotMs: p.dedupeHotMs } }
      : {}),
  };
}

/**
 * Runs `work` with the configured store and a read-only lake (what read-side commands such as
 * `reconcile` and `kpis explain` need), closing both afterwards, also when opening the lake fails.
 */
export async function withStoreAndReadLake<T>(
  config: Config,
  work: (store: ServingStore, lake: Lake) => Promise<T>,
): Promise<T> {
  const store = await openStoreFromConfig(config);
  const lake = await openLakeFromConfig(config, { readOnly: true }).catch(async (err: unknown) => {
    await store.close();
    throw err;
  });
  try {
    return await work(store, lake);
  } finally {
    await Promise.allSettled([lake.close(), store.close()]);
  }
}
