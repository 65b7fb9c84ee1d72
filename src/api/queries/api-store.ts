import type { SqlExecutor } from '../../store/serving-store.js';

/**
 * The part of the serving store the API uses: parameterized SQL returning rows (`ServingStore`
 * satisfies it). All API SQL is plain PostgreSQL that runs unchanged on PGlite and on a server.
 */
export type ApiStore = SqlExecutor;

/** `col` (timestamptz) as a UTC ISO-8601 string with milliseconds and `Z`, identical on both engines. */
export const isoSql = (col: string): string =>
  `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** Bucket start of `col` at a grain, as timestamptz, computed in UTC whatever the session time zone. */
export function bucketSql(col: string, grain: 'minute' | 'hour' | 'day'): string {
  return `(date_trunc('${grain}', ${col} AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')`;
}

export const toIsoParam = (ms: number): string => new Date(ms).toISOString();
