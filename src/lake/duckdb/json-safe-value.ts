import {
  DuckDBBlobValue,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBListValue,
  DuckDBArrayValue,
  DuckDBStructValue,
  DuckDBTimestampValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampMillisecondsValue,
  type DuckDBValue,
} from '@duckdb/node-api';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

function millisToIso(millis: number): string {
  const date = new Date(millis);
  return Number.isNaN(date.getTime()) ? String(millis) : date.toISOString();
}
const microsToIso = (micros: bigint): string => millisToIso(Math.floor(Number(micros) / 1000));

/**
 * A DuckDB value as plain JSON: BIGINT -> number when it is a safe integer (else its decimal
 * string); TIMESTAMP(TZ) -> ISO-8601 UTC with milliseconds and `Z`; DATE -> `YYYY-MM-DD`;
 * DECIMAL -> number; BLOB -> base64; LIST/ARRAY/STRUCT recursively; anything else -> its text.
 */
export function toJsonValue(value: DuckDBValue): JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint')
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof DuckDBTimestampValue || value instanceof DuckDBTimestampTZValue)
    return microsToIso(value.micros);
  if (value instanceof DuckDBTimestampMillisecondsValue) return millisToIso(Number(value.millis));
  if (value instanceof DuckDBDateValue) return value.toString();
  if (value instanceof DuckDBDecimalValue) return value.toDouble();
  if (value instanceof DuckDBBlobValue) return Buffer.from(value.bytes).toString('base64');
  if (value instanceof DuckDBListValue || value instanceof DuckDBArrayValue)
    return value.items.map(toJsonValue);
  if (value instanceof DuckDBStructValue) {
    const out: Record<string, JsonValue> = {};
    for (const [k, v] of Object.entries(value.entries)) out[k] = toJsonValue(v);
    return out;
  }
  return value.toString();
}
