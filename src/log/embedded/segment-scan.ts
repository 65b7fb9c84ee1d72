import type { FileHandle } from 'node:fs/promises';
import { ChunkReader } from './chunk-reader.js';
import { BATCH_HEADER_BYTES, batchIsIntact, decodeBatchHeader } from './record-batch-codec.js';
import type { SparseOffsetIndex } from './sparse-offset-index.js';

const SCAN_CHUNK_BYTES = 1024 * 1024;

export interface ScanStart {
  readonly position: number;
  readonly nextOffset: number;
  readonly maxTimestampMs: number;
}

export interface ScanResult {
  /** End of the last valid batch (the file may hold more bytes after it). */
  readonly validBytes: number;
  readonly nextOffset: number;
  readonly maxTimestampMs: number;
  /** Set when bytes after validBytes are not a valid batch. */
  readonly invalid?: { readonly reason: string; readonly followedByValidBatch: boolean };
}

/**
 * Walks the batch chain of a segment from `start` up to `fileBytes`, adding batches to `index`.
 * `verifyCrc` reads every byte (tail segments); otherwise only headers are read. Stops at the first
 * batch that is short, malformed, out of sequence or (with verifyCrc) fails its CRC.
 */
export async function scanSegment(
  handle: FileHandle,
  fileBytes: number,
  start: ScanStart,
  index: SparseOffsetIndex,
  verifyCrc: boolean,
): Promise<ScanResult> {
  const reader = new ChunkReader(handle, fileBytes, SCAN_CHUNK_BYTES);
  let { position, nextOffset, maxTimestampMs } = start;
  while (position < fileBytes) {
    const reason = await checkBatch(reader, position, fileBytes, nextOffset, verifyCrc);
    if (typeof reason === 'string') {
      const followedByValidBatch = await validBatchFollows(reader, position, fileBytes);
      return { validBytes: position, nextOffset, maxTimestampMs, invalid: { reason, followedByValidBatch } };
    }
    index.add(nextOffset, position);
    nextOffset += reason.recordCount;
    maxTimestampMs = Math.max(maxTimestampMs, reason.maxTimestampMs);
    position += reason.batchBytes;
  }
  return { validBytes: position, nextOffset, maxTimestampMs };
}

async function checkBatch(
  reader: ChunkReader,
  position: number,
  fileBytes: number,
  expectedOffset: number,
  verifyCrc: boolean,
): Promise<string | { batchBytes: number; recordCount: number; maxTimestampMs: number }> {
  if (fileBytes - position < BATCH_HEADER_BYTES) return 'short batch header';
  const head = await reader.at(position, BATCH_HEADER_BYTES);
  const header = decodeBatchHeader(head.buf, head.at);
  if (header === undefined) return 'malformed batch header';
  if (header.baseOffset !== expectedOffset)
    return `batch base offset ${header.baseOffset}, expected ${expectedOffset}`;
  if (position + header.batchBytes > fileBytes) return 'short batch';
  if (verifyCrc) {
    const whole = await reader.at(position, header.batchBytes);
    if (!batchIsIntact(whole.buf, whole.at, header)) return 'CRC mismatch';
  }
  return header;
}

/**
 * True when the invalid batch at `position` still has a readable length and an intact batch follows
 * it: that is corruption inside the log, not a torn tail, and must not be truncated away.
 */
async function validBatchFollows(reader: ChunkReader, position: number, fileBytes: number): Promise<boolean> {
  if (fileBytes - position < BATCH_HEADER_BYTES) return false;
  const head = await reader.at(position, BATCH_HEADER_BYTES);
  const header = decodeBatchHeader(head.buf, head.at);
  if (header === undefined) return false;
  const next = position + header.batchBytes;
  if (next + BATCH_HEADER_BYTES > fileBytes) return false;
  const nextHead = await reader.at(next, BATCH_HEADER_BYTES);
  const nextHeader = decodeBatchHeader(nextHead.buf, nextHead.at);
  if (nextHeader === undefined || next + nextHeader.batchBytes > fileBytes) return false;
  const whole = await reader.at(next, nextHeader.batchBytes);
  return batchIsIntact(whole.buf, whole.at, nextHeader);
}
