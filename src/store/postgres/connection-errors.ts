import { ShopError } from '../../errors/index.js';
import { queryFailed, sqlStateOf } from '../query-error.js';

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);
/** SQLSTATEs meaning "the server cannot serve us now": connection exceptions, shutdown, auth, missing DB. */
const UNAVAILABLE_STATES = /^(08|28|57P0[123]|3D000|53300)/;
const UNAVAILABLE_MESSAGES =
  /timeout exceeded when trying to connect|Connection terminated|connection timeout|Client has encountered a connection error/i;

/** True when the error means the server is unreachable or went away (not a bad query). */
export function isConnectionError(err: unknown): boolean {
  const sqlState = sqlStateOf(err);
  if (sqlState !== undefined) return UNAVAILABLE_STATES.test(sqlState);
  const code =
    typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
  if (NETWORK_CODES.has(code)) return true;
  return err instanceof Error && UNAVAILABLE_MESSAGES.test(err.message);
}

/** SHOP_STORE_UNAVAILABLE for connection failures, SHOP_STORE_QUERY_FAILED (sql + params) otherwise. */
export function storeErrorOf(
  err: unknown,
  sql: string,
  params: readonly unknown[] | undefined,
  url: string,
): ShopError {
  if (!isConnectionError(err)) return queryFailed(err, sql, params);
  const message = err instanceof Error ? err.message : String(err);
  return new ShopError('SHOP_STORE_UNAVAILABLE', `PostgreSQL at ${redactUrl(url)}: ${message}`, {
    cause: err,
    details: { url: redactUrl(url), sql },
  });
}

/** The URL without its password, safe for logs and error details. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
