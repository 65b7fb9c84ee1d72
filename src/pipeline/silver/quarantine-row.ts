import type { LogRecord } from '../../log/event-log.js';
import type { QuarantineRow } from '../../lake/lake-table.js';
import { stringField } from '../bronze/bronze-row.js';

export function toQuarantineRow(
  record: LogRecord,
  text: string | null,
  parsed: unknown,
  reasons: readonly string[],
): QuarantineRow {
  const obj =
    parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  return {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    logKey: record.key === null ? null : record.key.toString('utf8'),
    logTimestampMs: record.timestampMs,
    rawJson: text,
    rawBytes: text === null ? record.value : null,
    reasons,
    eventId: stringField(obj, 'event_id'),
  };
}
