import type { Config } from '../config/index.js';
import {
  alertEventSender,
  DATA_QUALITY_ALERTS_TOPIC,
  type AlertEventSender,
} from '../downstream/data-quality-alerts-topic.js';
import type { EventLog } from '../log/event-log.js';
import { ensureProcessedTopics } from './open-event-log.js';

/** The detector's sender of alert events when `alerts.publishTopic` is on, else undefined. */
export function alertEventSenderOf(
  config: Readonly<Config>,
  log: () => Promise<EventLog>,
): AlertEventSender | undefined {
  if (!config.alerts.publishTopic) return undefined;
  return alertEventSender({
    log,
    ensureTopic: (opened) => ensureProcessedTopics(opened, config, [DATA_QUALITY_ALERTS_TOPIC]),
  });
}
