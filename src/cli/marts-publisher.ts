import type { MartRowsPublished } from '../batch/marts/index.js';
import type { Config } from '../config/index.js';
import {
  DAILY_AGGREGATIONS_TOPIC,
  dailyAggregationsPublisher,
} from '../downstream/daily-aggregations-topic.js';
import type { EventLog } from '../log/event-log.js';
import { ensureProcessedTopics, openEventLog } from './open-event-log.js';

export type MartsPublisher = (published: MartRowsPublished) => Promise<void>;

/** The marts build's downstream hook on `log` when `marts.publishTopic` is on, else undefined. */
export function martsPublisherOf(config: Readonly<Config>, log: EventLog): MartsPublisher | undefined {
  if (!config.marts.publishTopic) return undefined;
  return dailyAggregationsPublisher(log, {
    partitions: config.log.partitions,
    ensureTopic: () => ensureProcessedTopics(log, config, [DAILY_AGGREGATIONS_TOPIC]),
  });
}

/**
 * Runs `fn` with the marts publisher of a process that has no event log open (`marts build`,
 * `jobs`, `run --role scheduler`): the log is opened (write mode) only when `marts.publishTopic`
 * is on, and closed afterwards.
 */
export async function withMartsPublisher<T>(
  config: Readonly<Config>,
  fn: (publisher: MartsPublisher | undefined) => Promise<T>,
): Promise<T> {
  if (!config.marts.publishTopic) return fn(undefined);
  const log = await openEventLog(config, { mode: 'write' });
  try {
    return await fn(martsPublisherOf(config, log));
  } finally {
    await log.close();
  }
}
