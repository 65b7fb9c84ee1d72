/**
 * The serving-store port: the database the API, the detector and the Gold commit share. Two
 * adapters implement it, `pglite/` (PostgreSQL in-process, persisted to a folder, the default) and
 * `postgres/` (a PostgreSQL server through a `pg` pool). Both must pass
 * `test/conformance/serving-store-suite.ts`; they may never behave differently.
 *
 * Guarantees every adapter gives:
 * - Values cross the boundary as parameters only (`$1`, `$2`, ...); no SQL is built from values.
 * - Identical JS types for the same query: int2/int4/int8/float4/float8/numeric -> number (int8 and
 *   numeric beyond 2^53 lose precision), text -> string, bool -> boolean, timestamptz -> Date,
 *   date -> 'YYYY-MM-DD' string, json/jsonb -> parsed value, arrays of these -> arrays.
 *   Pass timestamps as ISO-8601 strings (`toISOString()`), never as Date objects.
 * - The session time zone is UTC.
 * - A failed query throws `ShopError('SHOP_STORE_QUERY_FAILED')` whose details carry `sql` and
 *   `params` (long arrays summarized); an unreachable database throws `SHOP_STORE_UNAVAILABLE`
 *   within the connect timeout, never hangs.
 */
export interface SqlExecutor {
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]>;
}

export interface ServingStore extends SqlExecutor {
  readonly kind: 'pglite' | 'postgres';
  /**
   * Runs `fn` in one transaction (READ COMMITTED): committed when `fn` resolves, rolled back when it
   * throws (the error is rethrown). Inside `fn` use only `tx`: calling the store itself from inside
   * a PGlite transaction waits for the transaction to end, i.e. forever.
   */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Applies missing migrations; idempotent; safe when several processes migrate at once. */
  migrate(): Promise<void>;
  /** Resolves when the database answers a trivial query; throws SHOP_STORE_UNAVAILABLE otherwise. */
  ping(): Promise<void>;
  /** Releases connections (and the PGlite folder lock). Idempotent. */
  close(): Promise<void>;
  /**
   * Embedded PGlite only: the memory of the thread that owns the database (its V8 heap, and its
   * external memory, which holds PostgreSQL's WebAssembly memory). Not part of the caller's
   * `process.memoryUsage()` heap or external figures.
   */
  workerMemory?(): Promise<WorkerMemory>;
}

export interface WorkerMemory {
  readonly heapTotalBytes: number;
  readonly heapUsedBytes: number;
  readonly externalBytes: number;
}
