import type { FileHandle } from 'node:fs/promises';
import { ShopError } from '../../errors/index.js';

/**
 * Positional reads through one cached chunk, so scanning many small batches costs few syscalls
 * and a large batch is read in one go. Never reads at or past `limitBytes`.
 */
export class ChunkReader {
  private buf = Buffer.alloc(0);
  private base = 0;

  constructor(
    private readonly handle: FileHandle,
    private readonly limitBytes: number,
    private readonly chunkBytes: number,
  ) {}

  /**
   * A buffer and the index in it of file `position`, holding at least `minBytes` bytes from there,
   * or fewer when the limit comes first.
   */
  async at(position: number, minBytes: number): Promise<{ buf: Buffer; at: number }> {
    const have = this.base + this.buf.length;
    const want = Math.min(position + minBytes, this.limitBytes);
    if (position >= this.base && want <= have) return { buf: this.buf, at: position - this.base };
    const length = Math.min(Math.max(minBytes, this.chunkBytes), this.limitBytes - position);
    const buf = Buffer.allocUnsafe(Math.max(length, 0));
    let filled = 0;
    try {
      while (filled < length) {
        const { bytesRead } = await this.handle.read(buf, filled, length - filled, position + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
    } catch (cause) {
      throw new ShopError('SHOP_LOG_IO', `segment read failed at ${position}`, { cause });
    }
    this.buf = buf.subarray(0, filled);
    this.base = position;
    return { buf: this.buf, at: 0 };
  }
}
