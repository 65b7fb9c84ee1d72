import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ShopError } from '../../errors/index.js';
import type { TopicSpec } from '../event-log.js';
import { writeFileAtomic } from './atomic-file.js';

const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

/** Kafka's topic-name rule, so every topic name works on both adapters. */
export function isValidTopicName(name: string): boolean {
  return TOPIC_NAME.test(name) && name !== '.' && name !== '..';
}

export function checkTopicSpec(spec: TopicSpec): void {
  if (!isValidTopicName(spec.name)) {
    throw new ShopError(
      'SHOP_LOG_INVALID_TOPIC',
      `bad topic name ${JSON.stringify(spec.name)} (allowed: [a-zA-Z0-9._-], 1-249 chars)`,
    );
  }
  if (!Number.isInteger(spec.partitions) || spec.partitions < 1) {
    throw new ShopError('SHOP_LOG_INVALID_TOPIC', `topic ${spec.name}: partitions must be an integer >= 1`);
  }
}

/** `<topicDir>/topic.json`: partitions and retention, written atomically at creation. */
export async function writeTopicMetadata(topicDir: string, spec: TopicSpec): Promise<void> {
  const doc = {
    name: spec.name,
    partitions: spec.partitions,
    retentionMs: spec.retentionMs,
    retentionBytes: spec.retentionBytes,
  };
  await writeFileAtomic(join(topicDir, 'topic.json'), JSON.stringify(doc, null, 2) + '\n');
}

/** undefined when the topic folder has no metadata (not a topic, or creation never completed). */
export async function readTopicMetadata(topicDir: string): Promise<TopicSpec | undefined> {
  let text: string;
  try {
    text = await readFile(join(topicDir, 'topic.json'), 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ShopError('SHOP_LOG_IO', `cannot read ${topicDir}/topic.json`, { cause });
  }
  const doc = JSON.parse(text) as Partial<TopicSpec>;
  if (typeof doc.name !== 'string' || typeof doc.partitions !== 'number') {
    throw new ShopError('SHOP_LOG_CORRUPT', `${topicDir}/topic.json is malformed`);
  }
  return {
    name: doc.name,
    partitions: doc.partitions,
    retentionMs: doc.retentionMs,
    retentionBytes: doc.retentionBytes,
  };
}
