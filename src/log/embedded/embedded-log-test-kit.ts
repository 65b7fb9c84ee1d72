import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventLog, LogRecord } from '../event-log.js';
import type { EmbeddedLogOptions } from './embedded-log-options.js';
import { openEmbeddedLog, type EmbeddedLog } from './embedded-log.js';
import type { TruncateEvent } from './partition-log.js';

/** Test helpers for the embedded log's own tests (temp folders, segment paths, full reads). */
export async function withTempDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'shopstream-embedded-'));
  try {
    await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function openTestLog(dir: string, overrides: Partial<EmbeddedLogOptions> = {}): Promise<EmbeddedLog> {
  const truncations: TruncateEvent[] = [];
  return openEmbeddedLog({
    dir,
    mode: 'write',
    fsync: 'always',
    fsyncIntervalMs: 50,
    segmentBytes: 64 * 1024 * 1024,
    maxRecordBytes: 1024 * 1024,
    onTruncate: (event) => truncations.push(event),
    ...overrides,
  });
}

export async function segmentPaths(dir: string, topic: string, partition: number): Promise<string[]> {
  const partitionDir = join(dir, 'topics', topic, String(partition));
  return (await readdir(partitionDir))
    .filter((n) => n.endsWith('.log'))
    .sort()
    .map((n) => join(partitionDir, n));
}

export async function readPartition(log: EventLog, topic: string, partition: number): Promise<LogRecord[]> {
  const info = await log.describeTopic(topic);
  const out: LogRecord[] = [];
  for (let offset = info!.partitions[partition]!.firstOffset; ;) {
    const got = await log.read(topic, partition, offset, { maxRecords: 500 });
    if (got.length === 0) return out;
    out.push(...got);
    offset = got[got.length - 1]!.offset + 1;
  }
}

export function values(
  count: number,
  prefix: string,
  bytes = 0,
): Array<{ key: null; value: Buffer; partition: number }> {
  return Array.from({ length: count }, (_, i) => ({
    key: null,
    partition: 0,
    value: Buffer.from(`${prefix}${i}`.padEnd(bytes, '.')),
  }));
}
