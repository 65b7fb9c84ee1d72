import { ShopError } from '../errors/index.js';

const MAX_ARRAY_PREVIEW = 10;

/**
 * Wraps a driver error of a query into SHOP_STORE_QUERY_FAILED carrying the SQL and parameters
 * (SHOP_STORE_PERMISSION_DENIED for SQLSTATE 42501, a role without the privilege).
 */
export function queryFailed(cause: unknown, sql: string, params: readonly unknown[] | undefined): ShopError {
  const message = cause instanceof Error ? cause.message : String(cause);
  const sqlState = sqlStateOf(cause);
  const code = sqlState === '42501' ? 'SHOP_STORE_PERMISSION_DENIED' : 'SHOP_STORE_QUERY_FAILED';
  return new ShopError(code, message, {
    cause,
    details: { sql, params: summarizeParams(params ?? []), ...(sqlState === undefined ? {} : { sqlState }) },
  });
}

/** The PostgreSQL SQLSTATE of a driver error (`23505`, `40P01`, ...), when it has one. */
export function sqlStateOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  const code = (err as { code: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** Long array parameters (unnest batches) are cut to their first elements plus their length. */
function summarizeParams(params: readonly unknown[]): unknown[] {
  return params.map((p) =>
    Array.isArray(p) && p.length > MAX_ARRAY_PREVIEW
      ? { arrayLength: p.length, first: p.slice(0, MAX_ARRAY_PREVIEW) }
      : p,
  );
}
