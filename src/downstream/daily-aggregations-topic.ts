import { Type, type Static } from '@sinclair/typebox';
import type { MartRowsHook } from '../batch/marts/index.js';
import type { EventLog, ProducerRecord } from '../log/event-log.js';
import { topicLogOnFirstSend } from './topic-log.js';

/**
 * `ecom.daily_aggregations.v1`: one record per row of a day's `daily_aggregations` mart, published
 * by the marts build when `marts.publishTopic` is on, once the day's model tests passed and just
 * before the day's mart commit (`dailyAggregationsPublisher`). Key = `<date>|<category>|<event_type>`
 * (the mart's unique key), so a rebuilt day overwrites per key on a compacted consumer; header
 * `build_id` names the build. At-least-once: a build that dies between the two publishes the day
 * again; consumers keep the record of the newest build per key. A day whose rows did not change
 * is not published again.
 */
export const DAILY_AGGREGATIONS_TOPIC = 'ecom.daily_aggregations.v1';

/** The record value: the reference `daily_aggregations` row, as JSON. */
export const DailyAggregationRecord = Type.Object(
  {
    date: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
    category: Type.String(),
    event_type: Type.String(),
    total_events: Type.Integer({ minimum: 0 }),
    total_revenue: Type.Number(),
    unique_users: Type.Integer({ minimum: 0 }),
    unique_sessions: Type.Integer({ minimum: 0 }),
    conversion_rate: Type.Number(),
    avg_order_value: Type.Number(),
    top_products: Type.Array(
      Type.Object({
        product_id: Type.String(),
        events: Type.Integer({ minimum: 0 }),
        revenue: Type.Number(),
      }),
      { description: "the mart's top_products: purchases by revenue, other event types by events" },
    ),
    updated_at: Type.String({ description: 'UTC ISO-8601: when the build wrote the row' }),
  },
  { additionalProperties: false, $id: 'DailyAggregationRecord' },
);
export type DailyAggregationRecord = Static<typeof DailyAggregationRecord>;

export const dailyAggregationKey = (
  r: Pick<DailyAggregationRecord, 'date' | 'category' | 'event_type'>,
): string => `${r.date}|${r.category}|${r.event_type}`;

/**
 * Publishes one day's rows (the seam for the marts build: call it after the day's mart commit).
 * The topic must exist (the CLI creates it with log.processedRetentionMs); all rows of a day go to
 * one partition (by date) so a consumer sees a day in build order.
 */
export async function publishDailyAggregations(
  log: EventLog,
  rows: readonly DailyAggregationRecord[],
  o: { buildId: string; partitions: number },
): Promise<number> {
  if (rows.length === 0) return 0;
  const records: ProducerRecord[] = rows.map((r) => ({
    key: Buffer.from(dailyAggregationKey(r)),
    value: Buffer.from(JSON.stringify(r)),
    partition: dayPartition(r.date, o.partitions),
    headers: { build_id: o.buildId, date: r.date },
  }));
  await log.append(DAILY_AGGREGATIONS_TOPIC, records);
  return records.length;
}

/** Days since the epoch, modulo the partition count. */
function dayPartition(date: string, partitions: number): number {
  return Math.floor(Date.parse(`${date}T00:00:00Z`) / 86_400_000) % partitions;
}

/** A row of the mart (as the lake query returns it) as a topic record; `updatedAt` = the build's time. */
export function dailyAggregationRecordOf(
  row: Readonly<Record<string, unknown>>,
  updatedAt: string,
): DailyAggregationRecord {
  const top = row['top_products'];
  return {
    date: String(row['date']),
    category: String(row['category']),
    event_type: String(row['event_type']),
    total_events: Number(row['total_events']),
    total_revenue: Number(row['total_revenue']),
    unique_users: Number(row['unique_users']),
    unique_sessions: Number(row['unique_sessions']),
    conversion_rate: Number(row['conversion_rate']),
    avg_order_value: Number(row['avg_order_value']),
    top_products: (typeof top === 'string'
      ? JSON.parse(top)
      : (top ?? [])) as DailyAggregationRecord['top_products'],
    updated_at: updatedAt,
  };
}

/**
 * The marts build's hook (`MartBuildDeps.onRowsPublished`) that sends each published day of
 * `daily_aggregations` to the topic; other models are ignored. The log is got on the first day
 * with rows (`topicLogOnFirstSend`).
 */
export function dailyAggregationsPublisher(o: {
  log: () => Promise<EventLog>;
  partitions: number;
  ensureTopic: (log: EventLog) => Promise<void>;
}): MartRowsHook {
  const topicLog = topicLogOnFirstSend(o);
  return async (published) => {
    if (published.model !== 'daily_aggregations') return;
    const updatedAt = new Date().toISOString();
    const rows = (await published.rows()).map((r) => dailyAggregationRecordOf(r, updatedAt));
    if (rows.length === 0) return;
    await publishDailyAggregations(await topicLog(), rows, {
      buildId: published.buildId,
      partitions: o.partitions,
    });
  };
}
