/**
 * Messages between `PgliteStore` (the caller's thread) and `pglite-worker.ts` (the thread that owns
 * the PGlite instance). Values cross as structured clones: strings, numbers, booleans, null,
 * arrays, plain objects, Date and Uint8Array keep their types both ways.
 */
export interface PgliteWorkerData {
  /** The PostgreSQL data folder (`<dataDir>/pgdata`). */
  readonly pgdata: string;
  /** PostgreSQL's shared_buffers, in MiB. */
  readonly sharedBuffersMb: number;
}

export type PgliteRequest =
  | {
      readonly id: number;
      readonly op: 'query';
      readonly sql: string;
      readonly params?: unknown[];
      readonly tx?: number;
    }
  | { readonly id: number; readonly op: 'begin' }
  | { readonly id: number; readonly op: 'end'; readonly tx: number; readonly commit: boolean }
  | { readonly id: number; readonly op: 'close' }
  /** The worker's own memory (`process.memoryUsage()` in the worker: its isolate's figures). */
  | { readonly id: number; readonly op: 'memory' };

/** A driver error as data: its message and the fields callers read (SQLSTATE `code`, ...). */
export interface PgliteErrorData {
  readonly message: string;
  readonly fields: Readonly<Record<string, string | number | undefined>>;
}

export type PgliteResponse =
  | { readonly id: number; readonly ok: true; readonly rows?: unknown[]; readonly tx?: number }
  | { readonly id: number; readonly ok: false; readonly error: PgliteErrorData };

/** Sent once by the worker: the database is open (or could not be opened). */
export type PgliteReady =
  { readonly ready: true } | { readonly ready: false; readonly error: PgliteErrorData };

/** The fields of a PostgreSQL error notice worth carrying across (see pg-protocol's DatabaseError). */
const ERROR_FIELDS = [
  'code',
  'severity',
  'detail',
  'hint',
  'position',
  'schema',
  'table',
  'column',
  'constraint',
  'routine',
] as const;

export function errorData(err: unknown): PgliteErrorData {
  if (!(err instanceof Error)) return { message: String(err), fields: {} };
  const fields: Record<string, string | number | undefined> = {};
  const source = err as unknown as Record<string, unknown>;
  for (const key of ERROR_FIELDS) {
    const value = source[key];
    if (typeof value === 'string' || typeof value === 'number') fields[key] = value;
  }
  return { message: err.message, fields };
}

/** The error on the caller's side: an Error with the same message and fields (`code` = SQLSTATE). */
export function errorFromData(data: PgliteErrorData): Error {
  return Object.assign(new Error(data.message), data.fields);
}
