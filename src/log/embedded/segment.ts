import { open, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { ShopError } from '../../errors/index.js';
import type { LogRecord } from '../event-log.js';
import { ChunkReader } from './chunk-reader.js';
import {
  BATCH_HEADER_BYTES,
  batchIsIntact,
  decodeBatchHeader,
  decodeBatchRecords,
} from './record-batch-codec.js';
import { SparseOffsetIndex } from './sparse-offset-index.js';

/** `<baseOffset, 20 digits>.log`, so lexical order is offset order. */
export function segmentFileName(baseOffset: number): string {
  return `${String(baseOffset).padStart(20, '0')}.log`;
}

export function parseSegmentFileName(name: string): number | undefined {
  const match = /^(\d{20})\.log$/.exec(name);
  return match ? Number(match[1]) : undefined;
}

/** What a read still may return; shared across the segments one read walks. */
export interface ReadBudget {
  readonly topic: string;
  readonly partition: number;
  readonly maxRecords: number;
  readonly maxBytes: number;
  readonly out: LogRecord[];
  valueBytes: number;
}

export function budgetExhausted(budget: ReadBudget): boolean {
  return (
    budget.out.length >= budget.maxRecords || (budget.out.length > 0 && budget.valueBytes >= budget.maxBytes)
  );
}

/**
 * One segment file of a partition: the batches with offsets [baseOffset, nextOffset).
 * `sizeBytes` is the end of the last valid (and, in write mode, acknowledged) batch; reads never
 * look past it.
 */
export class Segment {
  nextOffset: number;
  sizeBytes = 0;
  maxTimestampMs = 0;
  readonly index = new SparseOffsetIndex();
  private handle: FileHandle | undefined;

  constructor(
    readonly dir: string,
    readonly baseOffset: number,
    private readonly writable: boolean,
  ) {
    this.nextOffset = baseOffset;
  }

  get path(): string {
    return join(this.dir, segmentFileName(this.baseOffset));
  }

  async file(): Promise<FileHandle> {
    if (this.handle) return this.handle;
    try {
      this.handle = await open(this.path, this.writable ? 'r+' : 'r');
    } catch (cause) {
      throw new ShopError('SHOP_LOG_IO', `cannot open segment ${this.path}`, { cause });
    }
    return this.handle;
  }

  /** Appends encoded batches at sizeBytes; on failure the file is cut back and nothing is counted. */
  async append(batches: Buffer, recordCount: number, maxTimestampMs: number): Promise<void> {
    const handle = await this.file();
    const start = this.sizeBytes;
    try {
      let written = 0;
      while (written < batches.length) {
        const { bytesWritten } = await handle.write(
          batches,
          written,
          batches.length - written,
          start + written,
        );
        written += bytesWritten;
      }
    } catch (cause) {
      await handle.truncate(start).catch(() => undefined);
      throw new ShopError('SHOP_LOG_IO', `append to ${this.path} failed`, { cause });
    }
    let position = 0;
    let offset = this.nextOffset;
    while (position < batches.length) {
      this.index.add(offset, start + position);
      offset += batches.readUInt32BE(position + 24);
      position += batches.readUInt32BE(position + 8);
    }
    this.sizeBytes = start + batches.length;
    this.nextOffset += recordCount;
    this.maxTimestampMs = Math.max(this.maxTimestampMs, maxTimestampMs);
  }

  async sync(): Promise<void> {
    if (!this.handle) return;
    try {
      await this.handle.datasync();
    } catch (cause) {
      throw new ShopError('SHOP_LOG_IO', `fsync of ${this.path} failed`, { cause });
    }
  }

  /** Decodes records with offset >= fromOffset into the budget until it is exhausted. */
  async read(fromOffset: number, budget: ReadBudget, chunkBytes: number): Promise<void> {
    // The end is fixed once: an append completing during this read's awaits must not extend it
    // (the chunk reader would stop short of the new bytes and see a cut header).
    const endBytes = this.sizeBytes;
    const reader = new ChunkReader(await this.file(), endBytes, chunkBytes);
    let position = this.index.lookup(fromOffset);
    while (position < endBytes && !budgetExhausted(budget)) {
      const head = await reader.at(position, BATCH_HEADER_BYTES);
      const header = decodeBatchHeader(head.buf, head.at);
      if (header === undefined) throw this.corrupt(position, 'malformed batch header');
      if (header.baseOffset + header.recordCount > fromOffset) {
        const whole = await reader.at(position, header.batchBytes);
        if (!batchIsIntact(whole.buf, whole.at, header)) throw this.corrupt(position, 'CRC mismatch');
        const target = { topic: budget.topic, partition: budget.partition, fromOffset, out: budget.out };
        const before = budget.valueBytes;
        budget.valueBytes += decodeBatchRecords(
          whole.buf,
          whole.at,
          header,
          target,
          (added) => budget.out.length >= budget.maxRecords || before + added >= budget.maxBytes,
        );
      }
      position += header.batchBytes;
    }
  }

  corrupt(position: number, reason: string): ShopError {
    return new ShopError('SHOP_LOG_CORRUPT', `${this.path} at byte ${position}: ${reason}`, {
      details: { path: this.path, position, reason },
    });
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
  }

  async delete(): Promise<void> {
    await this.close();
    await unlink(this.path).catch((cause: NodeJS.ErrnoException) => {
      if (cause.code !== 'ENOENT')
        throw new ShopError('SHOP_LOG_IO', `cannot delete ${this.path}`, { cause });
    });
  }
}
