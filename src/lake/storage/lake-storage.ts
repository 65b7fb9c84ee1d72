/**
 * The lake's storage port: a flat namespace of immutable objects under one root (a local folder or
 * an S3 bucket + prefix). Keys are relative to the root, `/`-separated, never starting with `/`.
 * The Delta log (`src/lake/delta/`) and the data-file writers go through it; both adapters pass
 * one conformance suite (`storage-conformance.ts`).
 *
 * Guarantees of every adapter:
 * - `write`/`writeFile`: readers see the whole object or none (local: temporary name, fsync,
 *   rename; S3: a single PUT or a completed multipart upload);
 * - `putIfAbsent`: atomic create; exactly one of two concurrent calls on one key returns true
 *   (local: exclusive link of a fully written temporary file; S3: `If-None-Match: *`);
 * - `list` returns keys in ascending byte order.
 */
export interface StoredObject {
  readonly key: string;
  readonly size: number;
  /** Last modification, epoch ms. */
  readonly modifiedMs: number;
}

export interface ListOptions {
  /** Only keys strictly greater than this one (S3 `StartAfter`). */
  readonly startAfter?: string;
  /** Stop after this many keys. */
  readonly limit?: number;
}

export interface LakeStorage {
  /** `file:///abs/path` or `s3://bucket/prefix`, for messages and docs. */
  readonly url: string;
  /** Every object whose key starts with `prefix` (recursive), ascending by key. */
  list(prefix: string, options?: ListOptions): Promise<StoredObject[]>;
  /** The object's bytes, or null when it does not exist. */
  read(key: string): Promise<Uint8Array | null>;
  /** Size and modification time, or null when the object does not exist. */
  head(key: string): Promise<StoredObject | null>;
  /** Creates or replaces the object. */
  write(key: string, bytes: Uint8Array): Promise<void>;
  /** Uploads a local file as the object (S3: multipart above `multipartThresholdBytes`). */
  writeFile(key: string, localPath: string): Promise<void>;
  /** Creates the object only if the key does not exist; false when it already did. */
  putIfAbsent(key: string, bytes: Uint8Array): Promise<boolean>;
  /** Deletes the objects (missing keys are not an error). */
  delete(keys: readonly string[]): Promise<void>;
  /**
   * The local path of an object when the storage is a local folder (DuckDB reads it directly),
   * else null: callers then read through `read` (or a local cache of immutable objects).
   */
  localPath(key: string): string | null;
  close(): Promise<void>;
}
