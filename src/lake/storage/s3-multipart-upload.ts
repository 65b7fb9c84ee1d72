import { open, type FileHandle } from 'node:fs/promises';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';

/** S3's limits: every part but the last at least 5 MiB, at most 5 GiB, at most 10,000 parts. */
export const MIN_PART_SIZE_BYTES = 5 * 1024 * 1024;
export const MAX_PART_SIZE_BYTES = 5 * 1024 * 1024 * 1024;
const MAX_PARTS = 10_000;
/** Parts in flight at once (memory: this many part buffers). */
const PART_CONCURRENCY = 4;

export interface MultipartUploadTarget {
  readonly client: S3Client;
  readonly bucket: string;
  readonly key: string;
}

/**
 * Uploads the local file (`sizeBytes` long) as one object in parts of `partSizeBytes`, up to
 * PART_CONCURRENCY at once. Readers see the object only once CompleteMultipartUpload succeeded; on
 * any failure the upload is aborted (its parts deleted) and the error rethrown.
 */
export async function uploadFileInParts(
  target: MultipartUploadTarget,
  localPath: string,
  sizeBytes: number,
  partSizeBytes: number,
): Promise<void> {
  const partCount = Math.max(1, Math.ceil(sizeBytes / partSizeBytes));
  if (partCount > MAX_PARTS) {
    throw new Error(
      `${sizeBytes} bytes need ${partCount} parts of ${partSizeBytes} bytes (S3 allows ${MAX_PARTS})`,
    );
  }
  const { client, bucket, key } = target;
  const created = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
  const uploadId = created.UploadId;
  if (uploadId === undefined) throw new Error('CreateMultipartUpload returned no UploadId');
  try {
    const parts = await uploadParts({ ...target, uploadId }, localPath, sizeBytes, partSizeBytes, partCount);
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
  } catch (err) {
    await client
      .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }))
      .catch(() => undefined);
    throw err;
  }
}

interface OpenUpload extends MultipartUploadTarget {
  readonly uploadId: string;
}

async function uploadParts(
  upload: OpenUpload,
  localPath: string,
  sizeBytes: number,
  partSizeBytes: number,
  partCount: number,
): Promise<CompletedPart[]> {
  const file = await open(localPath, 'r');
  try {
    const parts: CompletedPart[] = new Array(partCount);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < partCount) {
        const index = next++;
        const offset = index * partSizeBytes;
        const length = Math.min(partSizeBytes, sizeBytes - offset);
        parts[index] = await uploadPart(upload, index + 1, await readExactly(file, offset, length));
      }
    };
    await Promise.all(Array.from({ length: Math.min(PART_CONCURRENCY, partCount) }, worker));
    return parts;
  } finally {
    await file.close();
  }
}

/** One part; the checksums S3 computed are passed back on completion, as S3 requires when present. */
async function uploadPart(upload: OpenUpload, partNumber: number, body: Buffer): Promise<CompletedPart> {
  const out = await upload.client.send(
    new UploadPartCommand({
      Bucket: upload.bucket,
      Key: upload.key,
      UploadId: upload.uploadId,
      PartNumber: partNumber,
      Body: body,
      ContentLength: body.length,
    }),
  );
  if (out.ETag === undefined) throw new Error(`UploadPart ${partNumber} returned no ETag`);
  return {
    PartNumber: partNumber,
    ETag: out.ETag,
    ChecksumCRC32: out.ChecksumCRC32,
    ChecksumCRC32C: out.ChecksumCRC32C,
    ChecksumCRC64NVME: out.ChecksumCRC64NVME,
    ChecksumSHA1: out.ChecksumSHA1,
    ChecksumSHA256: out.ChecksumSHA256,
  };
}

async function readExactly(file: FileHandle, offset: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await file.read(buffer, filled, length - filled, offset + filled);
    if (bytesRead === 0)
      throw new Error(`the file ended at ${offset + filled} bytes, ${length - filled} early`);
    filled += bytesRead;
  }
  return buffer;
}
