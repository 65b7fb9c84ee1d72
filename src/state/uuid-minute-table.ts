/**
 * A set of canonical UUIDs (lowercase `8-4-4-4-12` hex), each tagged with a minute, in one flat
 * Int32Array: open addressing with linear probing, five words per slot (the 128 bits, then the
 * minute). About 20 bytes per id at 50-70 % load instead of the ~110 bytes of a JS string in a
 * Map, and nothing for the garbage collector to trace. Exact: ids are compared on all 128 bits.
 *
 * Removal is by minute (`removeMinutesBefore`), the only removal the dedupe state needs: it leaves
 * tombstones, which inserts reuse and a rehash drops.
 */
const WORDS = 5;
const TAG = 4;
/** Tag of a slot never used. */
const EMPTY = -0x80000000;
/** Tag of a slot whose id was removed. */
const TOMBSTONE = -0x7fffffff;
const MAX_LOAD = 0.7;
const MIN_CAPACITY = 1024;

/** Hex digit value by char code, -1 for anything else (lowercase only: ids are compared as strings). */
const HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX[48 + i] = i;
for (let i = 0; i < 6; i++) HEX[97 + i] = 10 + i;

/** Scratch for the parsed id: four 32-bit words. */
const key = new Int32Array(4);

/**
 * Parses `id` into the four words of `out` when it is a canonical lowercase UUID; false otherwise
 * (`out` then undefined).
 */
export function parseUuid(id: string, out: Int32Array): boolean {
  if (id.length !== 36) return false;
  let word = 0;
  let nibbles = 0;
  let w = 0;
  for (let i = 0; i < 36; i++) {
    const c = id.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45) return false;
      continue;
    }
    const v = c < 128 ? HEX[c]! : -1;
    if (v < 0) return false;
    word = (word << 4) | v;
    if (++nibbles === 8) {
      out[w++] = word;
      word = 0;
      nibbles = 0;
    }
  }
  return true;
}

/** Scratch of `rehash` (not `key`: `add` has parsed its id there before a rehash). */
const moved = new Int32Array(4);

/** Slot index of a parsed key's hash (murmur3-style finalizer over the four words). */
function hashKey(k: Int32Array, mask: number): number {
  let h = Math.imul(k[0]! ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ k[1]! ^ (h >>> 13), 0xc2b2ae35);
  h = Math.imul(h ^ k[2]! ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ k[3]! ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return h & mask;
}

export class UuidMinuteTable {
  private slots: Int32Array;
  private mask: number;
  private live = 0;
  private tombstones = 0;

  constructor(initialCapacity = MIN_CAPACITY) {
    let capacity = MIN_CAPACITY;
    while (capacity < initialCapacity) capacity *= 2;
    this.slots = UuidMinuteTable.emptySlots(capacity);
    this.mask = capacity - 1;
  }

  get size(): number {
    return this.live;
  }

  /** Bytes of the slot array. */
  get bytes(): number {
    return this.slots.byteLength;
  }

  /**
   * Adds `id` tagged with `minute` unless it is present. `not_uuid`: the id is not a canonical
   * lowercase UUID (or the minute is out of range), so this table cannot hold it.
   */
  add(id: string, minute: number): 'added' | 'present' | 'not_uuid' {
    if (!(minute > TOMBSTONE && minute <= 0x7fffffff)) return 'not_uuid';
    if (!parseUuid(id, key)) return 'not_uuid';
    return this.addKey(key, minute);
  }

  /** `add` for an id already parsed by `parseUuid` (`minute` must be in range: see `add`). */
  addKey(id: Int32Array, minute: number): 'added' | 'present' {
    if (this.live + this.tombstones + 1 > (this.mask + 1) * MAX_LOAD) this.rehash();
    if (id !== key) key.set(id);
    const slots = this.slots;
    const mask = this.mask;
    let i = hashKey(key, mask);
    let free = -1;
    for (;;) {
      const at = i * WORDS;
      const tag = slots[at + TAG]!;
      if (tag === EMPTY) break;
      if (tag === TOMBSTONE) {
        if (free < 0) free = at;
      } else if (
        slots[at] === key[0] &&
        slots[at + 1] === key[1] &&
        slots[at + 2] === key[2] &&
        slots[at + 3] === key[3]
      )
        return 'present';
      i = (i + 1) & mask;
    }
    let at = i * WORDS;
    if (free >= 0) {
      at = free;
      this.tombstones -= 1;
    }
    slots[at] = key[0]!;
    slots[at + 1] = key[1]!;
    slots[at + 2] = key[2]!;
    slots[at + 3] = key[3]!;
    slots[at + TAG] = minute;
    this.live += 1;
    return 'added';
  }

  /**
   * Removes every id tagged with a minute below `minute` and returns them as records of five
   * words (the id's four, then its minute), in slot order. Two passes over the slots.
   */
  takeMinutesBefore(minute: number): Int32Array {
    const slots = this.slots;
    let count = 0;
    for (let at = TAG; at < slots.length; at += WORDS) {
      const tag = slots[at]!;
      if (tag !== EMPTY && tag !== TOMBSTONE && tag < minute) count += 1;
    }
    const taken = new Int32Array(count * WORDS);
    let to = 0;
    for (let at = 0; to < taken.length; at += WORDS) {
      const tag = slots[at + TAG]!;
      if (tag === EMPTY || tag === TOMBSTONE || tag >= minute) continue;
      taken.set(slots.subarray(at, at + WORDS), to);
      slots[at + TAG] = TOMBSTONE;
      to += WORDS;
    }
    this.afterRemoving(count);
    return taken;
  }

  /** Removes every id tagged with a minute below `minute`; returns how many. One pass over the slots. */
  removeMinutesBefore(minute: number): number {
    const slots = this.slots;
    let removed = 0;
    for (let at = TAG; at < slots.length; at += WORDS) {
      const tag = slots[at]!;
      if (tag !== EMPTY && tag !== TOMBSTONE && tag < minute) {
        slots[at] = TOMBSTONE;
        removed += 1;
      }
    }
    this.afterRemoving(removed);
    return removed;
  }

  private afterRemoving(removed: number): void {
    this.live -= removed;
    this.tombstones += removed;
    // Mostly tombstones: shrink now rather than carry a table sized for a past peak.
    if (this.tombstones > this.live && this.mask + 1 > MIN_CAPACITY) this.rehash();
  }

  /** Re-inserts the live ids into a table sized for them (tombstones dropped; at most 60 % of MAX_LOAD: a full table doubles). */
  private rehash(): void {
    let capacity = MIN_CAPACITY;
    while (this.live + 1 >= capacity * MAX_LOAD * 0.6) capacity *= 2;
    const old = this.slots;
    const slots = UuidMinuteTable.emptySlots(capacity);
    const mask = capacity - 1;
    for (let from = 0; from < old.length; from += WORDS) {
      const tag = old[from + TAG]!;
      if (tag === EMPTY || tag === TOMBSTONE) continue;
      moved[0] = old[from]!;
      moved[1] = old[from + 1]!;
      moved[2] = old[from + 2]!;
      moved[3] = old[from + 3]!;
      let i = hashKey(moved, mask);
      while (slots[i * WORDS + TAG] !== EMPTY) i = (i + 1) & mask;
      slots.set(old.subarray(from, from + WORDS), i * WORDS);
    }
    this.slots = slots;
    this.mask = mask;
    this.tombstones = 0;
  }

  private static emptySlots(capacity: number): Int32Array {
    const slots = new Int32Array(capacity * WORDS);
    for (let at = TAG; at < slots.length; at += WORDS) slots[at] = EMPTY;
    return slots;
  }
}
