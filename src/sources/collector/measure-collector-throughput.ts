import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { openEmbeddedLog } from '../../log/embedded/index.js';
import { RAW_TOPIC } from '../../log/event-log.js';
import { collectorPlugin } from './collector-plugin.js';
import type { CollectorOptions } from './collector-options.js';
import type { LoadWorkerInput, LoadWorkerResult } from './collector-load-worker.js';

export interface CollectorThroughputOptions {
  /** How long the load runs. */
  readonly durationMs: number;
  /** Events per request (the target is stated for 100). */
  readonly batchSize?: number;
  /** Concurrent keep-alive connections of the load generator. */
  readonly connections?: number;
  /** `ndjson` = POST /v1/events; `segment` = POST /v1/batch. */
  readonly format?: 'ndjson' | 'segment';
  readonly partitions?: number;
  /** Embedded log durability during the run (default `always`: every 200 is fsync'd). */
  readonly fsync?: 'always' | 'interval' | 'never';
}

export interface CollectorThroughputReport {
  readonly format: 'ndjson' | 'segment';
  readonly batchSize: number;
  readonly connections: number;
  readonly durationMs: number;
  readonly requests: number;
  readonly failedRequests: number;
  readonly acceptedEvents: number;
  /** Events answered 200 (durable) per second of the run. */
  readonly acceptedEventsPerSec: number;
  readonly p50LatencyMs: number;
  readonly p99LatencyMs: number;
}

const BENCH_OPTIONS: CollectorOptions = {
  requireWriteKey: false,
  corsOrigins: new Set(['*']),
  maxEventBytes: 32 * 1024,
  maxBatchBytes: 500 * 1024,
  maxBatchEvents: 2500,
  maxNativeBodyBytes: 4 * 1024 * 1024,
  rateLimitEventsPerSec: 0,
  maxInFlightBytes: 64 * 1024 * 1024,
  maxAppendRecords: 20_000,
  maxConcurrentAppends: 2,
  ackTimeoutMs: 5000,
  retryAfterMs: 1000,
  customerPartitions: 4,
  defaultSourceName: 'collector',
};

/**
 * The `collector` benchmark scenario: a collector on loopback over a fresh embedded log (in a temp
 * folder, removed afterwards) and a load generator in a child process posting batches for
 * `durationMs`. Reports events acknowledged with 200 per second and request latency percentiles.
 */
export async function measureCollectorThroughput(
  options: CollectorThroughputOptions,
): Promise<CollectorThroughputReport> {
  const dir = await mkdtemp(join(tmpdir(), 'shopstream-collector-bench-'));
  const log = await openEmbeddedLog({
    dir,
    mode: 'write',
    fsync: options.fsync ?? 'always',
    fsyncIntervalMs: 200,
    segmentBytes: 64 * 1024 * 1024,
    maxRecordBytes: 1024 * 1024,
  });
  const app = Fastify({ logger: false });
  try {
    await log.ensureTopic({ name: RAW_TOPIC, partitions: options.partitions ?? 4 });
    await app.register(collectorPlugin, { log, options: BENCH_OPTIONS, keys: undefined });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const input: LoadWorkerInput = {
      port,
      durationMs: options.durationMs,
      batchSize: options.batchSize ?? 100,
      connections: options.connections ?? 32,
      format: options.format ?? 'ndjson',
    };
    const result = await runLoadWorker(input);
    return report(input, result);
  } finally {
    await app.close();
    await log.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function runLoadWorker(input: LoadWorkerInput): Promise<LoadWorkerResult> {
  // From sources (tsx) the generator is a .ts file and needs the tsx loader; built, it is plain .js.
  const fromSources = import.meta.url.endsWith('.ts');
  const file = fileURLToPath(
    new URL(fromSources ? './collector-load-worker.ts' : './collector-load-worker.js', import.meta.url),
  );
  const child = fork(file, [], {
    execArgv: fromSources ? ['--import', 'tsx'] : [],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  child.send(input);
  return new Promise<LoadWorkerResult>((resolve, reject) => {
    child.once('message', (result) => resolve(result as LoadWorkerResult));
    child.once('error', reject);
    child.once('exit', (code) =>
      reject(new Error(`collector load generator exited with ${code} before reporting`)),
    );
  }).finally(() => child.kill());
}

function report(input: LoadWorkerInput, result: LoadWorkerResult): CollectorThroughputReport {
  const sorted = Float64Array.from(result.latenciesMs).sort();
  const pct = (p: number) =>
    sorted.length === 0
      ? 0
      : Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! * 100) / 100;
  return {
    format: input.format,
    batchSize: input.batchSize,
    connections: input.connections,
    durationMs: Math.round(result.elapsedMs),
    requests: result.requests,
    failedRequests: result.failedRequests,
    acceptedEvents: result.acceptedEvents,
    acceptedEventsPerSec: Math.round((result.acceptedEvents * 1000) / result.elapsedMs),
    p50LatencyMs: pct(0.5),
    p99LatencyMs: pct(0.99),
  };
}
