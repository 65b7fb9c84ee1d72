import { closeSync, mkdirSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * An immutable set of parsed UUIDs (four 32-bit words each, see `parseUuid`), each with its
 * minute, kept on disk with only a blocked Bloom filter in memory: the cold tier of the dedupe
 * state. About 2 bytes of memory per id (the filter, 16 bits per id) instead of ~33 for the
 * in-memory table, so an hour of ids at 10k events/s is ~70 MB instead of ~1.2 GB.
 *
 * On disk the ids form an open-addressing table (linear probing, load 0.7, five words per slot as
 * in `UuidMinuteTable`), so a lookup is one read of a few KB at the id's slot. A lookup reaches
 * the disk only when the filter says "maybe": for a duplicate, or for ~0.1 % of new ids.
 *
 * The file is unlinked as soon as it is created: it lives as long as its descriptor, so a crashed
 * process leaves nothing behind (the state is rebuilt from Silver on restart anyway) and the
 * page cache, not the process, holds what is read often.
 */
const WORDS = 5;
const TAG = 4;
const EMPTY = -0x80000000;
const LOAD = 0.7;
/** Filter bits per id and bits set per id inside one 512-bit block (~0.1 % false positives). */
const FILTER_BITS_PER_ID = 16;
const BLOCK_WORDS = 16;
const BITS_PER_ID = 8;
/** Slots read per disk access (~5 KB). */
const READ_SLOTS = 256;
const readBuffer = Buffer.allocUnsafeSlow(READ_SLOTS * WORDS * 4);
const readWords = new Int32Array(readBuffer.buffer, 0, READ_SLOTS * WORDS);

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function hashWords(id: Int32Array, at: number, seed: number): number {
  let h = seed;
  for (let i = 0; i < 4; i++) {
    h = Math.imul(h ^ id[at + i]!, 0xcc9e2d51);
    h = (h << 15) | (h >>> 17);
    h = Math.imul(h, 0x1b873593);
  }
  return fmix(h ^ 16);
}

/** [0, n) from a 32-bit hash without a modulo (deterministic; an exact product for n < 2^21). */
const fastRange = (h: number, n: number): number => Math.floor((h * n) / 0x1_0000_0000);

/**
 * The hashes of one id, computed once per lookup and shared by every segment (they use the same
 * hash functions; only the ranges differ).
 */
export class IdProbe {
  readonly id = new Int32Array(4);
  slotHash = 0;
  bits0 = 0;
  bits1 = 0;
  bits2 = 0;

  /** Takes the four words of `words` from `at` (default: `this.id`, already filled). */
  load(words: Int32Array = this.id, at = 0): this {
    if (words !== this.id || at !== 0) this.id.set(words.subarray(at, at + 4));
    this.slotHash = hashWords(this.id, 0, 0x2545f491);
    this.bits0 = hashWords(this.id, 0, 0x9e3779b9);
    this.bits1 = hashWords(this.id, 0, 0x7f4a7c15);
    this.bits2 = hashWords(this.id, 0, 0x94d049bb);
    return this;
  }
}

/** The `i`-th bit position (0..511) of a probe inside its block: eight 9-bit fields. */
function bitOf(p: IdProbe, i: number): number {
  if (i < 3) return (p.bits0 >>> (9 * i)) & 511;
  if (i < 6) return (p.bits1 >>> (9 * (i - 3))) & 511;
  return (p.bits2 >>> (9 * (i - 6))) & 511;
}

let fileSeq = 0;

export class SealedIdSegment {
  private constructor(
    private fd: number,
    private readonly filter: Uint32Array,
    private readonly capacity: number,
    /** Ids in the segment. */
    readonly count: number,
    /** Largest minute of its ids: the segment can be dropped once this is out of the horizon. */
    readonly maxMinute: number,
  ) {}

  /**
   * Writes `records` (five words each: an id's four, then its minute; at least one record) to a
   * new unlinked file in `dir` and builds its filter.
   */
  static write(dir: string, records: Int32Array): SealedIdSegment {
    const count = records.length / WORDS;
    const capacity = Math.max(16, Math.ceil(count / LOAD));
    const blocks = Math.max(1, Math.ceil((count * FILTER_BITS_PER_ID) / (BLOCK_WORDS * 32)));
    const table = new Int32Array(capacity * WORDS);
    for (let at = TAG; at < table.length; at += WORDS) table[at] = EMPTY;
    const filter = new Uint32Array(blocks * BLOCK_WORDS);
    const probe = new IdProbe();
    let maxMinute = Number.NEGATIVE_INFINITY;
    for (let from = 0; from < records.length; from += WORDS) {
      probe.load(records, from);
      const base = fastRange((probe.bits0 ^ probe.slotHash) >>> 0, blocks) * BLOCK_WORDS;
      for (let i = 0; i < BITS_PER_ID; i++) {
        const bit = bitOf(probe, i);
        filter[base + (bit >>> 5)]! |= 1 << (bit & 31);
      }
      let slot = fastRange(probe.slotHash, capacity);
      while (table[slot * WORDS + TAG] !== EMPTY) slot = slot + 1 === capacity ? 0 : slot + 1;
      table.set(records.subarray(from, from + WORDS), slot * WORDS);
      const minute = records[from + TAG]!;
      if (minute > maxMinute) maxMinute = minute;
    }
    mkdirSync(dir, { recursive: true });
    const path = join(dir, `ids-${process.pid}-${++fileSeq}-${Date.now().toString(36)}`);
    const fd = openSync(path, 'wx+');
    try {
      unlinkSync(path);
      const bytes = new Uint8Array(table.buffer, table.byteOffset, table.byteLength);
      for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done, bytes.length - done, done);
    } catch (err) {
      closeSync(fd);
      throw err;
    }
    return new SealedIdSegment(fd, filter, capacity, count, maxMinute);
  }

  /** False when the id is certainly not in the segment (memory only). */
  mightContain(p: IdProbe): boolean {
    const blocks = this.filter.length / BLOCK_WORDS;
    const base = fastRange((p.bits0 ^ p.slotHash) >>> 0, blocks) * BLOCK_WORDS;
    const filter = this.filter;
    for (let i = 0; i < BITS_PER_ID; i++) {
      const bit = bitOf(p, i);
      if ((filter[base + (bit >>> 5)]! & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }

  /** The minute of the id when the segment holds it (reads the disk), else undefined. */
  minuteOf(p: IdProbe): number | undefined {
    const id = p.id;
    let slot = fastRange(p.slotHash, this.capacity);
    for (;;) {
      const n = Math.min(READ_SLOTS, this.capacity - slot);
      const bytes = n * WORDS * 4;
      for (let done = 0; done < bytes;) {
        const got = readSync(this.fd, readBuffer, done, bytes - done, slot * WORDS * 4 + done);
        if (got === 0) throw new Error('dedupe segment file is shorter than written');
        done += got;
      }
      for (let i = 0; i < n; i++) {
        const at = i * WORDS;
        const tag = readWords[at + TAG]!;
        if (tag === EMPTY) return undefined;
        if (
          readWords[at] === id[0] &&
          readWords[at + 1] === id[1] &&
          readWords[at + 2] === id[2] &&
          readWords[at + 3] === id[3]
        )
          return tag;
      }
      slot = slot + n === this.capacity ? 0 : slot + n;
    }
  }

  /** Bytes of memory (the filter) and of disk (the table). */
  get memoryBytes(): number {
    return this.filter.byteLength;
  }

  get diskBytes(): number {
    return this.capacity * WORDS * 4;
  }

  close(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
  }
}
