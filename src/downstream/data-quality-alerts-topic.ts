import { Type, type Static } from '@sinclair/typebox';
import type { EventLog } from '../log/event-log.js';
import { topicLogOnFirstSend } from './topic-log.js';

/**
 * `ecom.data_quality_alerts.v1`: every alert event (an alert raised, an alert resolved) of every
 * rule (KPI anomalies and thresholds, pipeline health, data-quality runs, orchestration), when
 * `alerts.publishTopic` is on. The records come from the alert outbox (`serving.alert_outbox`,
 * format `event`), written in the same transaction as the alert itself, and are sent by the
 * detector's delivery pass with the webhooks' retries, backoff and dead-lettering: at-least-once.
 * Key = the alert id (all events of one alert share a partition, in order); headers `event` and
 * `dedupe_key` (`<alert id>:<event>`, the webhooks' Idempotency-Key): a consumer that keeps the
 * keys it saw processes each event once.
 */
export const DATA_QUALITY_ALERTS_TOPIC = 'ecom.data_quality_alerts.v1';

/** The record value: the generic webhook payload. */
export const AlertEventRecord = Type.Object(
  {
    source: Type.Literal('shopstream'),
    event: Type.Union([Type.Literal('raised'), Type.Literal('resolved')]),
    dedupe_key: Type.String({ description: '<alert id>:<event>' }),
    alert: Type.Object(
      {
        id: Type.String(),
        rule: Type.String(),
        metric: Type.String(),
        window_start: Type.String({ description: 'UTC ISO-8601' }),
        severity: Type.Union([Type.Literal('info'), Type.Literal('warning'), Type.Literal('critical')]),
        status: Type.String({ description: 'the status when the event was written' }),
        value: Type.Number(),
        baseline: Type.Union([Type.Number(), Type.Null()]),
        z_score: Type.Union([Type.Number(), Type.Null()]),
        message: Type.String(),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false, $id: 'AlertEventRecord' },
);
export type AlertEventRecord = Static<typeof AlertEventRecord>;

/** One outbox row of format `event`, as the delivery pass hands it over. */
export interface AlertEventRow {
  readonly alertId: string;
  readonly event: string;
  /** The row's payload (jsonb): an AlertEventRecord. */
  readonly payload: unknown;
}

/** Sends one outbox row to the topic; resolves once the log acknowledged it. */
export type AlertEventSender = (row: AlertEventRow) => Promise<void>;

/** The delivery pass's sender; the log is got on the first event (`topicLogOnFirstSend`). */
export function alertEventSender(o: {
  log: () => Promise<EventLog>;
  ensureTopic: (log: EventLog) => Promise<void>;
}): AlertEventSender {
  const topicLog = topicLogOnFirstSend(o);
  return async (row) => {
    const log = await topicLog();
    await log.append(DATA_QUALITY_ALERTS_TOPIC, [
      {
        key: Buffer.from(row.alertId),
        value: Buffer.from(typeof row.payload === 'string' ? row.payload : JSON.stringify(row.payload)),
        headers: { event: row.event, dedupe_key: `${row.alertId}:${row.event}` },
      },
    ]);
  };
}
