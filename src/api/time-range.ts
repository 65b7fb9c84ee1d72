import { isDay } from '../batch/marts/index.js';
import { ShopError } from '../errors/index.js';

export interface TimeRange {
  readonly fromMs: number;
  readonly toMs: number;
}

/** Largest range one request may cover (guards the database against unbounded scans). */
const MAX_RANGE_MS = 400 * 24 * 3600 * 1000;

/** Parses `from`/`to` (ISO-8601 or epoch ms); missing `to` = now, missing `from` = `to - defaultSpanMs`. */
export function parseRange(
  query: { from?: string | undefined; to?: string | undefined },
  defaultSpanMs: number,
  nowMs: number,
): TimeRange {
  const toMs = query.to === undefined ? nowMs : parseTime(query.to, 'to');
  const fromMs = query.from === undefined ? toMs - defaultSpanMs : parseTime(query.from, 'from');
  if (fromMs > toMs) throw new ShopError('SHOP_API_BAD_REQUEST', '`from` must not be after `to`');
  if (toMs - fromMs > MAX_RANGE_MS) throw new ShopError('SHOP_API_BAD_REQUEST', 'range longer than 400 days');
  return { fromMs, toMs };
}

function parseTime(value: string, name: string): number {
  const ms = /^\d{1,15}$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms))
    throw new ShopError('SHOP_API_BAD_REQUEST', `\`${name}\` is not an ISO-8601 time or epoch milliseconds`);
  return ms;
}

/** The `asOfVersion` / `asOfTime` of a lake-backed route (see LakeAsOfQuery); at most one. */
export function parseLakeAsOf(query: { asOfVersion?: number | undefined; asOfTime?: string | undefined }): {
  version?: number;
  timeMs?: number;
} {
  if (query.asOfVersion !== undefined && query.asOfTime !== undefined)
    throw new ShopError('SHOP_API_BAD_REQUEST', 'give `asOfVersion` or `asOfTime`, not both');
  if (query.asOfVersion !== undefined) return { version: query.asOfVersion };
  if (query.asOfTime !== undefined) return { timeMs: parseTime(query.asOfTime, 'asOfTime') };
  return {};
}

export const iso = (ms: number): string => new Date(ms).toISOString();

/** Comma-separated list parameter: trimmed, non-empty, de-duplicated, order kept. */
export function parseList(value: string | undefined): string[] {
  if (value === undefined) return [];
  return [
    ...new Set(
      value
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v.length > 0),
    ),
  ];
}

/**
 * `from`/`to` days (YYYY-MM-DD, both included) of the mart routes: missing `to` = today (UTC),
 * missing `from` = `to` minus `defaultDays - 1`; at most 400 days.
 */
export function parseDayRange(
  query: { from?: string | undefined; to?: string | undefined },
  defaultDays: number,
  nowMs: number,
): { from: string; to: string } {
  const day = (v: string, name: string): number => {
    if (!isDay(v)) throw new ShopError('SHOP_API_BAD_REQUEST', `\`${name}\` is not a date YYYY-MM-DD`);
    return Date.parse(`${v}T00:00:00Z`);
  };
  const toMs =
    query.to === undefined ? Date.parse(iso(nowMs).slice(0, 10) + 'T00:00:00Z') : day(query.to, 'to');
  const fromMs = query.from === undefined ? toMs - (defaultDays - 1) * 86_400_000 : day(query.from, 'from');
  if (fromMs > toMs) throw new ShopError('SHOP_API_BAD_REQUEST', '`from` must not be after `to`');
  if (toMs - fromMs > MAX_RANGE_MS) throw new ShopError('SHOP_API_BAD_REQUEST', 'range longer than 400 days');
  return { from: iso(fromMs).slice(0, 10), to: iso(toMs).slice(0, 10) };
}
