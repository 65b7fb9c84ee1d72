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

/** Node's certificate verification codes, and the driver's word for a server without TLS. */
const TLS_CODES =
  /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_(GET|VERIFY|DECRYPT|DECODE)|SELF_SIGNED_CERT|DEPTH_ZERO_SELF_SIGNED|HOSTNAME_MISMATCH)/;
const TLS_MESSAGES = /The server does not support SSL connections/;
/** SQLSTATE class 28: invalid authorization (bad password, unknown role, pg_hba reject). */
const AUTH_STATES = /^28/;

function connectionCodeOf(err: unknown): 'SHOP_STORE_TLS_FAILED' | 'SHOP_STORE_AUTH_FAILED' | undefined {
  const code =
    typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
  if (TLS_CODES.test(code) || (err instanceof Error && TLS_MESSAGES.test(err.message)))
    return 'SHOP_STORE_TLS_FAILED';
  if (AUTH_STATES.test(sqlStateOf(err) ?? '')) return 'SHOP_STORE_AUTH_FAILED';
  return undefined;
}

/**
 * SHOP_STORE_TLS_FAILED / SHOP_STORE_AUTH_FAILED (not retryable: a setting is wrong),
 * SHOP_STORE_UNAVAILABLE for other connection failures, SHOP_STORE_QUERY_FAILED (sql + params) otherwise.
 */
export function storeErrorOf(
  err: unknown,
  sql: string,
  params: readonly unknown[] | undefined,
  url: string,
): ShopError {
  const setting = connectionCodeOf(err);
  if (setting === undefined && !isConnectionError(err)) return queryFailed(err, sql, params);
  const message = err instanceof Error ? err.message : String(err);
  return new ShopError(setting ?? 'SHOP_STORE_UNAVAILABLE', `PostgreSQL at ${redactUrl(url)}: ${message}`, {
    cause: err,
    details: { url: redactUrl(url), sql },
  });
}

/** A failure to get a connection: TLS, auth, or SHOP_STORE_UNAVAILABLE. */
export function connectFailed(err: unknown, url: string): ShopError {
  const message = err instanceof Error ? err.message : String(err);
  return new ShopError(
    connectionCodeOf(err) ?? 'SHOP_STORE_UNAVAILABLE',
    `cannot connect to ${redactUrl(url)}: ${message}`,
    {
      cause: err,
      details: { url: redactUrl(url) },
    },
  );
}

/** The URL without its password, safe for logs and error details. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
