import type { FileKey } from './lake-table.js';

/** Milliseconds of one hive hour partition. */
export const HOUR_MS = 3_600_000;

const OFFSET_DIGITS = 20;
const FILE_NAME = /^p(\d+)-(\d{20})-(\d{20})\.parquet$/;

/** `p<partition>-<fromOffset:20>-<toOffset:20>.parquet`: sorts by offset within a partition. */
export function lakeFileName(key: FileKey): string {
  const pad = (n: number) => String(n).padStart(OFFSET_DIGITS, '0');
  return `p${key.partition}-${pad(key.fromOffset)}-${pad(key.toOffset)}.parquet`;
}

export interface ParsedFileName {
  readonly partition: number;
  readonly fromOffset: number;
  readonly toOffset: number;
}

/** The key parts of a lake file name; null for any other file (temporary files included). */
export function parseLakeFileName(name: string): ParsedFileName | null {
  const m = FILE_NAME.exec(name);
  if (!m) return null;
  return { partition: Number(m[1]), fromOffset: Number(m[2]), toOffset: Number(m[3]) };
}

/** The hour since the epoch (UTC) of a time; the hive partition key of a row. */
export const hourOf = (timeMs: number): number => Math.floor(timeMs / HOUR_MS);

/** Hive directories of one hour: `<date col>=YYYY-MM-DD/<hour col>=HH` (UTC). */
export function hiveDirs(hour: number, columns: readonly [date: string, hour: string]): string {
  const iso = new Date(hour * HOUR_MS).toISOString();
  return `${columns[0]}=${iso.slice(0, 10)}/${columns[1]}=${iso.slice(11, 13)}`;
}
