import { ShopError } from '../../errors/index.js';
import type { LogRecord, ProducerRecord } from '../event-log.js';
import { crc32 } from './crc32.js';

/**
 * On-disk record batch, big-endian. One append writes one batch (or a few, when very large) per
 * partition, in a single write.
 *
 *   0  u32  magic 0x53534c42 ("SSLB")        24 u32  recordCount (>= 1)
 *   4  u8   version (1)                       28 f64  firstTimestampMs
 *   5  u8   flags (0), 6 u16 reserved         36 f64  maxTimestampMs
 *   8  u32  batchBytes (header included)      44 u32  reserved
 *  12  u32  crc32 of bytes [16, batchBytes)
 *  16  u32  baseOffset high, 20 u32 low      48 records...
 *
 * Record: i32 timestampDelta (ms from firstTimestampMs), i32 keyBytes (-1 = null), key,
 * i32 valueBytes, value, u16 headerCount, then per header u16 nameBytes, name, u32 valueBytes, value.
 * Record offsets are implicit: baseOffset + index in the batch.
 */
export const BATCH_MAGIC = 0x53534c42;
export const BATCH_VERSION = 1;
export const BATCH_HEADER_BYTES = 48;
const CRC_FROM = 16;
const TWO_32 = 0x1_0000_0000;

/** A producer record with its timestamp fixed and its encoded size known. */
export interface PreparedRecord {
  readonly key: Buffer | null;
  readonly value: Buffer;
  readonly timestampMs: number;
  readonly headers: ReadonlyArray<readonly [Buffer, Buffer]> | undefined;
  readonly encodedBytes: number;
}

export interface BatchHeader {
  readonly batchBytes: number;
  readonly crc: number;
  readonly baseOffset: number;
  readonly recordCount: number;
  readonly firstTimestampMs: number;
  readonly maxTimestampMs: number;
}

export function prepareRecord(record: ProducerRecord, nowMs: number): PreparedRecord {
  const headers =
    record.headers === undefined
      ? undefined
      : Object.entries(record.headers).map(
          ([name, value]) => [Buffer.from(name, 'utf8'), Buffer.from(value, 'utf8')] as const,
        );
  let encodedBytes = 14 + (record.key?.length ?? 0) + record.value.length;
  for (const [name, value] of headers ?? []) encodedBytes += 6 + name.length + value.length;
  return {
    key: record.key,
    value: record.value,
    timestampMs: record.timestampMs ?? nowMs,
    headers,
    encodedBytes,
  };
}

/** True when `record` may join a batch whose first record has `firstTimestampMs` (delta fits an i32). */
export function fitsTimestampDelta(firstTimestampMs: number, record: PreparedRecord): boolean {
  const delta = record.timestampMs - firstTimestampMs;
  return delta >= -0x8000_0000 && delta <= 0x7fff_ffff;
}

/** Encodes `records` (non-empty) as one batch starting at `baseOffset`, into `out` at `at`. */
export function encodeBatch(
  baseOffset: number,
  records: readonly PreparedRecord[],
  out: Buffer,
  at: number,
): number {
  const first = records[0]!.timestampMs;
  let maxTimestampMs = first;
  let pos = at + BATCH_HEADER_BYTES;
  for (const r of records) {
    if (r.timestampMs > maxTimestampMs) maxTimestampMs = r.timestampMs;
    pos = out.writeInt32BE(r.timestampMs - first, pos);
    pos = writeBytes(out, pos, r.key);
    pos = writeBytes(out, pos, r.value);
    pos = out.writeUInt16BE(r.headers?.length ?? 0, pos);
    for (const [name, value] of r.headers ?? []) {
      pos = out.writeUInt16BE(name.length, pos);
      pos += name.copy(out, pos);
      pos = out.writeUInt32BE(value.length, pos);
      pos += value.copy(out, pos);
    }
  }
  const batchBytes = pos - at;
  out.writeUInt32BE(BATCH_MAGIC, at);
  out.writeUInt8(BATCH_VERSION, at + 4);
  out.writeUInt8(0, at + 5);
  out.writeUInt16BE(0, at + 6);
  out.writeUInt32BE(batchBytes, at + 8);
  out.writeUInt32BE(Math.floor(baseOffset / TWO_32), at + 16);
  out.writeUInt32BE(baseOffset % TWO_32, at + 20);
  out.writeUInt32BE(records.length, at + 24);
  out.writeDoubleBE(first, at + 28);
  out.writeDoubleBE(maxTimestampMs, at + 36);
  out.writeUInt32BE(0, at + 44);
  out.writeUInt32BE(crc32(out.subarray(at + CRC_FROM, pos)), at + 12);
  return pos;
}

function writeBytes(out: Buffer, pos: number, bytes: Buffer | null): number {
  if (bytes === null) return out.writeInt32BE(-1, pos);
  pos = out.writeInt32BE(bytes.length, pos);
  return pos + bytes.copy(out, pos);
}

/** Encoded size of a batch holding `records`. */
export function batchBytesOf(records: readonly PreparedRecord[]): number {
  let bytes = BATCH_HEADER_BYTES;
  for (const r of records) bytes += r.encodedBytes;
  return bytes;
}

/** The header at `at`, or undefined when the bytes there cannot be a batch header. */
export function decodeBatchHeader(buf: Buffer, at: number): BatchHeader | undefined {
  if (buf.length - at < BATCH_HEADER_BYTES) return undefined;
  if (buf.readUInt32BE(at) !== BATCH_MAGIC || buf.readUInt8(at + 4) !== BATCH_VERSION) return undefined;
  const batchBytes = buf.readUInt32BE(at + 8);
  const recordCount = buf.readUInt32BE(at + 24);
  if (batchBytes < BATCH_HEADER_BYTES + 14 * recordCount || recordCount === 0) return undefined;
  return {
    batchBytes,
    crc: buf.readUInt32BE(at + 12),
    baseOffset: buf.readUInt32BE(at + 16) * TWO_32 + buf.readUInt32BE(at + 20),
    recordCount,
    firstTimestampMs: buf.readDoubleBE(at + 28),
    maxTimestampMs: buf.readDoubleBE(at + 36),
  };
}

/** True when the whole batch at `at` is present in `buf` and its CRC matches. */
export function batchIsIntact(buf: Buffer, at: number, header: BatchHeader): boolean {
  const end = at + header.batchBytes;
  return end <= buf.length && crc32(buf.subarray(at + CRC_FROM, end)) === header.crc;
}

export interface DecodeTarget {
  readonly topic: string;
  readonly partition: number;
  /** Records below this offset are skipped. */
  readonly fromOffset: number;
  readonly out: LogRecord[];
}

/**
 * Appends the batch's records with offset >= fromOffset to `out`; returns the value bytes added.
 * Stops early when `shouldStop(valueBytes)` says so after a record. Values and keys are views into `buf`.
 */
export function decodeBatchRecords(
  buf: Buffer,
  at: number,
  header: BatchHeader,
  target: DecodeTarget,
  shouldStop: (valueBytes: number) => boolean,
): number {
  const end = at + header.batchBytes;
  let pos = at + BATCH_HEADER_BYTES;
  let valueBytes = 0;
  for (let i = 0; i < header.recordCount; i++) {
    const timestampMs = header.firstTimestampMs + buf.readInt32BE(pos);
    const keyBytes = buf.readInt32BE(pos + 4);
    pos += 8;
    const key = keyBytes < 0 ? null : slice(buf, pos, keyBytes, end);
    pos += Math.max(keyBytes, 0);
    const valueLength = buf.readInt32BE(pos);
    const value = slice(buf, pos + 4, valueLength, end);
    pos += 4 + valueLength;
    const headerCount = buf.readUInt16BE(pos);
    pos += 2;
    let headers: Record<string, string> | undefined;
    if (headerCount > 0) [headers, pos] = decodeHeaders(buf, pos, headerCount, end);
    const offset = header.baseOffset + i;
    if (offset < target.fromOffset) continue;
    const record: LogRecord =
      headers === undefined
        ? { topic: target.topic, partition: target.partition, offset, key, value, timestampMs }
        : { topic: target.topic, partition: target.partition, offset, key, value, timestampMs, headers };
    target.out.push(record);
    valueBytes += valueLength;
    if (shouldStop(valueBytes)) break;
  }
  return valueBytes;
}

function decodeHeaders(
  buf: Buffer,
  pos: number,
  count: number,
  end: number,
): [Record<string, string>, number] {
  const headers: Record<string, string> = {};
  for (let h = 0; h < count; h++) {
    const nameBytes = buf.readUInt16BE(pos);
    const name = slice(buf, pos + 2, nameBytes, end).toString('utf8');
    pos += 2 + nameBytes;
    const valueBytes = buf.readUInt32BE(pos);
    headers[name] = slice(buf, pos + 4, valueBytes, end).toString('utf8');
    pos += 4 + valueBytes;
  }
  return [headers, pos];
}

function slice(buf: Buffer, at: number, length: number, end: number): Buffer {
  if (length < 0 || at + length > end) {
    throw new ShopError('SHOP_LOG_CORRUPT', 'a record overruns its batch despite a valid CRC');
  }
  return buf.subarray(at, at + length);
}
