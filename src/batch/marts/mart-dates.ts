import { ShopError } from '../../errors/index.js';

/** Day partitions are UTC dates written `YYYY-MM-DD`. */
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** The UTC day of epoch milliseconds. */
export const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** `day` + `n` days. */
export const addDays = (day: string, n: number): string => dayOf(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS);

/** True when `value` is a real calendar day written `YYYY-MM-DD`. */
export function isDay(value: string): boolean {
  const ms = Date.parse(`${value}T00:00:00Z`);
  return DAY.test(value) && Number.isFinite(ms) && dayOf(ms) === value;
}

/** Parses a `YYYY-MM-DD` flag (a real calendar day), else SHOP_CLI_BAD_ARGUMENT. */
export function parseDay(value: string, name: string): string {
  if (!isDay(value))
    throw new ShopError('SHOP_CLI_BAD_ARGUMENT', `${name} must be a date YYYY-MM-DD, got '${value}'`);
  return value;
}

/** Every day from `from` to `to`, both included (empty when from > to). */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}
