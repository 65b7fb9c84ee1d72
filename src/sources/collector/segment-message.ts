import { parseIsoTimestampMs } from '../../contract/index.js';

/** A Segment message as parsed JSON; every field may be absent or of the wrong type. */
export type SegmentMessage = Readonly<Record<string, unknown>>;
export type JsonObject = Readonly<Record<string, unknown>>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function objectAt(o: JsonObject, key: string): JsonObject {
  const v = o[key];
  return isObject(v) ? v : {};
}

/** A non-empty string, or a finite number as its text (ids are often numeric), else null. */
export function idOf(v: unknown): string | null {
  if (typeof v === 'string') return v.length > 0 ? v : null;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

/** A number, or a numeric string as a number (server SDKs of some languages send strings), else null. */
export function numberOf(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

export function stringOf(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 ? v : null;
}

/**
 * An item of a `/v1/batch` body with the batch-level `context` and `integrations` merged in (the
 * item's own keys win) and the batch's `sentAt` when the item has none.
 */
export function mergeBatchLevel(item: JsonObject, batch: JsonObject): JsonObject {
  const context = batch['context'];
  const integrations = batch['integrations'];
  const merged: Record<string, unknown> = { ...item };
  if (isObject(context)) merged['context'] = { ...context, ...objectAt(item, 'context') };
  if (isObject(integrations)) merged['integrations'] = { ...integrations, ...objectAt(item, 'integrations') };
  if (merged['sentAt'] === undefined && batch['sentAt'] !== undefined) merged['sentAt'] = batch['sentAt'];
  return merged;
}

/**
 * Event time, as Segment computes it: `timestamp` when given; else `originalTimestamp` corrected
 * by the device clock's skew (receivedAt - sentAt); else the time the collector received it.
 * A `timestamp` that is not ISO-8601 is passed on unchanged, so the processor quarantines it as
 * bad_event_time instead of the collector inventing a time.
 */
export function eventTimeOf(msg: SegmentMessage, receivedAtMs: number): unknown {
  const timestamp = msg['timestamp'];
  if (timestamp !== undefined && timestamp !== null) {
    const ms = typeof timestamp === 'string' ? parseIsoTimestampMs(timestamp) : NaN;
    return Number.isNaN(ms) ? timestamp : new Date(ms).toISOString();
  }
  const original = timeMs(msg['originalTimestamp']);
  if (original === undefined) return new Date(receivedAtMs).toISOString();
  const sentAtMs = timeMs(msg['sentAt']);
  const skewMs = sentAtMs === undefined ? 0 : receivedAtMs - sentAtMs;
  return new Date(original + skewMs).toISOString();
}

function timeMs(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  const ms = parseIsoTimestampMs(v);
  return Number.isNaN(ms) ? undefined : ms;
}

/** user_id: `userId`, else `anonymousId` (the partition key). */
export function userIdOf(msg: SegmentMessage): string | null {
  return idOf(msg['userId']) ?? idOf(msg['anonymousId']);
}
