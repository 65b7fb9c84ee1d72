import { readFile, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { ShopError } from '../../errors/index.js';
import type { LakeStorage, ListOptions, StoredObject } from './lake-storage.js';
import { MAX_PART_SIZE_BYTES, MIN_PART_SIZE_BYTES, uploadFileInParts } from './s3-multipart-upload.js';
import { assertValidKey, assertValidPrefix, storageError } from './storage-keys.js';

export interface S3Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface S3LakeStorageOptions {
  readonly bucket: string;
  /** The lake's folder in the bucket (`lake/prod`; '' or absent = the bucket root). */
  readonly prefix?: string;
  /** A non-AWS endpoint (MinIO, moto, R2): `http://127.0.0.1:55900`. */
  readonly endpoint?: string;
  readonly region: string;
  /** `http://endpoint/bucket/key` instead of `http://bucket.endpoint/key` (default false). */
  readonly forcePathStyle?: boolean;
  /** Static credentials; absent = the AWS SDK's default provider chain (env, profile, IMDS...). */
  readonly credentials?: S3Credentials;
  /** writeFile uploads larger files in parts (default 16 MiB). */
  readonly multipartThresholdBytes?: number;
  /** Part size of multipart uploads, 5 MiB to 5 GiB (default 8 MiB). */
  readonly partSizeBytes?: number;
}

const DEFAULT_MULTIPART_THRESHOLD_BYTES = 16 * 1024 * 1024;
const DEFAULT_PART_SIZE_BYTES = 8 * 1024 * 1024;
/** S3's most keys per ListObjectsV2 page and per DeleteObjects call. */
const S3_BATCH_KEYS = 1000;
/** putIfAbsent attempts while S3 answers 409 ConditionalRequestConflict (a concurrent write). */
const CONFLICT_ATTEMPTS = 4;
const CONFLICT_BACKOFF_MS = 50;

/** `s3://bucket/some/prefix/` → `{ bucket: 'bucket', prefix: 'some/prefix' }`. */
export function parseS3Url(url: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(url);
  if (match === null || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(match[1]!)) {
    throw new ShopError('SHOP_CONFIG_INVALID', `not an S3 URL (s3://bucket/prefix): ${JSON.stringify(url)}`, {
      details: { url },
    });
  }
  return { bucket: match[1]!, prefix: (match[2] ?? '').replace(/\/+$/, '') };
}

/**
 * The lake storage on an S3 bucket (AWS or compatible): key `a/b` is the object `<prefix>/a/b`.
 * write is one PutObject; writeFile one PutObject up to multipartThresholdBytes, else a multipart
 * upload (aborted on failure), so readers see whole objects only. putIfAbsent is PutObject with
 * `If-None-Match: *` (S3 answers 412 when the key exists, and serialises concurrent creators).
 * Every failure is SHOP_LAKE_STORAGE_FAILED with the key in the details, except the documented null
 * and false answers. HeadObject answers a missing bucket like a missing key (no body): null.
 */
export class S3LakeStorage implements LakeStorage {
  readonly url: string;
  readonly #client: S3Client;
  readonly #bucket: string;
  /** '' or the lake's folder with a trailing '/'. */
  readonly #root: string;
  readonly #multipartThresholdBytes: number;
  readonly #partSizeBytes: number;

  constructor(options: S3LakeStorageOptions) {
    this.#bucket = options.bucket;
    this.#root = rootOf(options.prefix ?? '');
    this.url = `s3://${options.bucket}${this.#root === '' ? '' : `/${this.#root.slice(0, -1)}`}`;
    this.#multipartThresholdBytes = options.multipartThresholdBytes ?? DEFAULT_MULTIPART_THRESHOLD_BYTES;
    this.#partSizeBytes = checkedPartSize(options.partSizeBytes ?? DEFAULT_PART_SIZE_BYTES);
    this.#client = new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle ?? false,
      credentials: options.credentials,
    });
  }

  async list(prefix: string, options: ListOptions = {}): Promise<StoredObject[]> {
    assertValidPrefix(prefix);
    const limit = options.limit ?? Infinity;
    const startAfter = options.startAfter ? this.#root + options.startAfter : undefined;
    const found: StoredObject[] = [];
    let token: string | undefined;
    do {
      if (found.length >= limit) break;
      const page = await this.#guard('list', prefix, () =>
        this.#client.send(
          new ListObjectsV2Command({
            Bucket: this.#bucket,
            Prefix: this.#root + prefix,
            StartAfter: startAfter,
            ContinuationToken: token,
            MaxKeys: Math.min(S3_BATCH_KEYS, limit - found.length),
          }),
        ),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key === undefined || !object.Key.startsWith(this.#root)) continue;
        const key = object.Key.slice(this.#root.length);
        found.push({ key, size: object.Size ?? 0, modifiedMs: object.LastModified?.getTime() ?? 0 });
      }
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return found.slice(0, limit);
  }

  async read(key: string): Promise<Uint8Array | null> {
    const Key = this.#objectKey(key);
    return this.#guard('read', key, async () => {
      try {
        const out = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key }));
        return out.Body === undefined ? new Uint8Array(0) : await out.Body.transformToByteArray();
      } catch (err) {
        if (isMissingObject(err)) return null;
        throw err;
      }
    });
  }

  async head(key: string): Promise<StoredObject | null> {
    const Key = this.#objectKey(key);
    return this.#guard('head', key, async () => {
      try {
        const out = await this.#client.send(new HeadObjectCommand({ Bucket: this.#bucket, Key }));
        return { key, size: out.ContentLength ?? 0, modifiedMs: out.LastModified?.getTime() ?? 0 };
      } catch (err) {
        if (isMissingObject(err)) return null;
        throw err;
      }
    });
  }

  async write(key: string, bytes: Uint8Array): Promise<void> {
    const Key = this.#objectKey(key);
    await this.#guard('write', key, () =>
      this.#client.send(new PutObjectCommand({ Bucket: this.#bucket, Key, Body: bytes })),
    );
  }

  async writeFile(key: string, localPath: string): Promise<void> {
    const Key = this.#objectKey(key);
    await this.#guard('writeFile', key, async () => {
      const { size } = await stat(localPath);
      if (size > this.#multipartThresholdBytes) {
        const target = { client: this.#client, bucket: this.#bucket, key: Key };
        await uploadFileInParts(target, localPath, size, this.#partSizeBytes);
      } else {
        const Body = await readFile(localPath);
        await this.#client.send(new PutObjectCommand({ Bucket: this.#bucket, Key, Body }));
      }
    });
  }

  /**
   * PutObject with `If-None-Match: *`: true when this call created the object, false on 412 (the key
   * exists). A 412 after SDK retries may answer our own earlier attempt whose response was lost: then
   * the stored bytes are compared with ours. 409 (a concurrent conditional write in progress) is
   * retried CONFLICT_ATTEMPTS times, then the key is checked: it exists → false. A thrown error means
   * the outcome is unknown (the object may exist with our bytes).
   */
  async putIfAbsent(key: string, bytes: Uint8Array): Promise<boolean> {
    const Key = this.#objectKey(key);
    return this.#guard('putIfAbsent', key, async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          const put = new PutObjectCommand({ Bucket: this.#bucket, Key, Body: bytes, IfNoneMatch: '*' });
          await this.#client.send(put);
          return true;
        } catch (err) {
          if (httpStatus(err) === 412) return sdkAttempts(err) > 1 ? this.#holds(Key, bytes) : false;
          if (httpStatus(err) !== 409) throw err;
          if (attempt >= CONFLICT_ATTEMPTS) {
            if ((await this.head(key)) !== null) return false;
            throw err;
          }
          await sleep(CONFLICT_BACKOFF_MS * attempt);
        }
      }
    });
  }

  async delete(keys: readonly string[]): Promise<void> {
    const objectKeys = keys.map((key) => this.#objectKey(key));
    for (let i = 0; i < objectKeys.length; i += S3_BATCH_KEYS) {
      const batch = objectKeys.slice(i, i + S3_BATCH_KEYS);
      const out = await this.#guard('delete', keys[i]!, () =>
        this.#client.send(
          new DeleteObjectsCommand({
            Bucket: this.#bucket,
            Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
          }),
        ),
      );
      const failed = out.Errors?.[0];
      if (failed !== undefined) {
        const key = (failed.Key ?? '').slice(this.#root.length);
        const cause = new Error(
          `${failed.Code ?? 'error'}: ${failed.Message ?? ''} (${out.Errors!.length} keys)`,
        );
        throw storageError('delete', this.url, key, cause);
      }
    }
  }

  localPath(key: string): null {
    assertValidKey(key);
    return null;
  }

  async close(): Promise<void> {
    this.#client.destroy();
  }

  #objectKey(key: string): string {
    assertValidKey(key);
    return this.#root + key;
  }

  /** True when the object holds exactly `bytes`. */
  async #holds(objectKey: string, bytes: Uint8Array): Promise<boolean> {
    const out = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: objectKey }));
    const stored = await out.Body?.transformToByteArray();
    return stored !== undefined && Buffer.from(stored).equals(bytes);
  }

  async #guard<T>(operation: string, key: string, body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (err) {
      throw err instanceof ShopError ? err : storageError(operation, this.url, key, err);
    }
  }
}

function rootOf(prefix: string): string {
  const trimmed = prefix.replace(/^\/+|\/+$/g, '');
  if (trimmed === '') return '';
  assertValidKey(trimmed);
  return `${trimmed}/`;
}

function checkedPartSize(bytes: number): number {
  if (Number.isInteger(bytes) && bytes >= MIN_PART_SIZE_BYTES && bytes <= MAX_PART_SIZE_BYTES) return bytes;
  throw new ShopError('SHOP_CONFIG_INVALID', `partSizeBytes must be 5 MiB to 5 GiB, got ${bytes}`, {
    details: { partSizeBytes: bytes },
  });
}

interface SdkErrorShape {
  readonly name?: string;
  readonly $metadata?: { readonly httpStatusCode?: number; readonly attempts?: number };
}

const httpStatus = (err: unknown): number | undefined =>
  (err as SdkErrorShape | null)?.$metadata?.httpStatusCode;
const sdkAttempts = (err: unknown): number => (err as SdkErrorShape | null)?.$metadata?.attempts ?? 1;

/** 404 of a missing key (GetObject: NoSuchKey; HeadObject: NotFound), not of a missing bucket. */
function isMissingObject(err: unknown): boolean {
  return httpStatus(err) === 404 && (err as SdkErrorShape).name !== 'NoSuchBucket';
}
