import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ShopError } from '../../errors/index.js';
import type { TopicSpec } from '../event-log.js';
import { createRoundRobin } from '../partitioner.js';
import { PartitionLog, type PartitionLogOptions } from './partition-log.js';
import { readTopicMetadata, writeTopicMetadata } from './topic-metadata.js';

/** A topic with its partitions open. */
export interface OpenTopic {
  readonly spec: TopicSpec;
  readonly partitions: readonly PartitionLog[];
  readonly nextRoundRobin: () => number;
}

export function topicsDir(logDir: string): string {
  return join(logDir, 'topics');
}

/** Names of the folders under `topics/` that hold a topic.json (complete topics). */
export async function listTopicNames(logDir: string): Promise<string[]> {
  const names = await readdir(topicsDir(logDir)).catch((cause: NodeJS.ErrnoException) => {
    if (cause.code === 'ENOENT') return [];
    throw new ShopError('SHOP_LOG_IO', `cannot list ${topicsDir(logDir)}`, { cause });
  });
  const complete = await Promise.all(
    names.map(async (n) => ((await readTopicMetadata(join(topicsDir(logDir), n))) ? n : undefined)),
  );
  return complete.filter((n): n is string => n !== undefined).sort();
}

/** Opens an existing topic; undefined when it has no metadata. */
export async function loadTopic(
  logDir: string,
  name: string,
  options: PartitionLogOptions,
): Promise<OpenTopic | undefined> {
  const dir = join(topicsDir(logDir), name);
  const spec = await readTopicMetadata(dir);
  if (!spec) return undefined;
  return openPartitions(dir, spec, options);
}

/** Creates the partition folders first and topic.json last: a crash in between leaves no topic. */
export async function createTopic(
  logDir: string,
  spec: TopicSpec,
  options: PartitionLogOptions,
): Promise<OpenTopic> {
  const dir = join(topicsDir(logDir), spec.name);
  await mkdir(dir, { recursive: true });
  const topic = await openPartitions(dir, spec, options);
  await writeTopicMetadata(dir, spec);
  return topic;
}

async function openPartitions(
  dir: string,
  spec: TopicSpec,
  options: PartitionLogOptions,
): Promise<OpenTopic> {
  const partitions: PartitionLog[] = [];
  try {
    for (let p = 0; p < spec.partitions; p++)
      partitions.push(await PartitionLog.open(join(dir, String(p)), p, options));
  } catch (err) {
    for (const partition of partitions) await partition.close();
    throw err;
  }
  return { spec, partitions, nextRoundRobin: createRoundRobin(spec.partitions) };
}
