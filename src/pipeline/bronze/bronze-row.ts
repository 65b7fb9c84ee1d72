import { parseIsoTimestampMs, type ValidationResult } from '../../contract/index.js';
import type { LogRecord } from '../../log/event-log.js';
import type { BronzeRow } from '../../lake/lake-table.js';

/**
 * Builds the Bronze row of a record. Typed columns come from the validation result when the event
 * is valid, else best effort from the parsed object (strings only; unparseable times are null).
 */
export function toBronzeRow(
  record: LogRecord,
  text: string | null,
  parsed: unknown,
  verdict: ValidationResult | undefined,
): BronzeRow {
  const obj =
    parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  const valid = verdict !== undefined && verdict.valid ? verdict : undefined;
  return {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    logKey: record.key === null ? null : record.key.toString('utf8'),
    logTimestampMs: record.timestampMs,
    rawJson: text,
    rawBytes: text === null ? record.value : null,
    eventId: stringField(obj, 'event_id'),
    eventType: stringField(obj, 'event_type'),
    eventTimeMs: valid ? valid.eventTimeMs : timeField(obj, 'event_time'),
    ingestTimeMs: valid ? valid.ingestTimeMs : timeField(obj, 'ingest_time'),
    userId: stringField(obj, 'user_id'),
  };
}

const MAX_TYPED_CHARS = 256;

export function stringField(obj: Record<string, unknown> | undefined, name: string): string | null {
  if (obj === undefined || !Object.hasOwn(obj, name)) return null;
  const value = obj[name];
  return typeof value === 'string' ? value.slice(0, MAX_TYPED_CHARS) : null;
}

function timeField(obj: Record<string, unknown> | undefined, name: string): number | null {
  const value = stringField(obj, name);
  if (value === null) return null;
  const ms = parseIsoTimestampMs(value);
  return Number.isFinite(ms) ? ms : null;
}
