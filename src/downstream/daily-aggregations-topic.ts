import { Type, type Static } from '@sinclair/typebox';
import type { EventLog, ProducerRecord } from '../log/event-log.js';

/**
 * `ecom.daily_aggregations.v1`: one record per row of a day's `daily_aggregations` mart, published
 * when the marts build of that day succeeds (the build calls `publishDailyAggregations`). Key =
 * `<date>|<category>|<event_type>` (the mart's unique key), so a rebuilt day overwrites per key on
 * a compacted consumer; header `build_id` names the build. At-least-once: a build that fails after
 * publishing publishes the day again; consumers keep the record of the newest build per key.
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
      Type.Object({ product_id: Type.String(), revenue: Type.Number(), units: Type.Number() }),
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
