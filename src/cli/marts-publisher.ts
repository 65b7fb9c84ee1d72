import type { MartRowsHook } from '../batch/marts/index.js';
import type { Config } from '../config/index.js';
import {
  DAILY_AGGREGATIONS_TOPIC,
  dailyAggregationsPublisher,
} from '../downstream/daily-aggregations-topic.js';
import type { EventLog } from '../log/event-log.js';
import { ensureProcessedTopics, openEventLog } from './open-event-log.js';

/** The marts build's downstream hook when `marts.publishTopic` is on, else undefined. */
export function martsPublisherOf(
  config: Readonly<Config>,
  log: () => Promise<EventLog>,
): MartRowsHook | undefined {
  if (!config.marts.publishTopic) return undefined;
  return dailyAggregationsPublisher({
    log,
    partitions: config.log.partitions,
    ensureTopic: (opened) => ensureProcessedTopics(opened, config, [DAILY_AGGREGATIONS_TOPIC]),
  });
}

/**
 * Runs `fn` with the marts publisher of a process that has no event log open (`marts build`,
 * `jobs`, `run --role scheduler`). The log is opened (write mode) when the first day is actually
 * sent, not before: a build that sends nothing, or a job that is not a marts build, never takes the
 * embedded log's lock. It is closed when `fn` ends.
 */
export async function withMartsPublisher<T>(
  config: Readonly<Config>,
  fn: (publisher: MartRowsHook | undefined) => Promise<T>,
): Promise<T> {
  let opened: EventLog | undefined;
  // The publisher asks once at a time (it keeps what it got), and again only after a failure.
  const log = async () => (opened ??= await openEventLog(config, { mode: 'write' }));
  try {
    return await fn(martsPublisherOf(config, log));
  } finally {
    await opened?.close();
  }
}
