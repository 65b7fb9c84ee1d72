import type { Prng } from './prng.js';

const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');
/** Scratch bytes of one id; fully rewritten by every call, so no state survives a call. */
const scratch = Buffer.alloc(36);

/**
 * A random RFC 4122 version-4 UUID drawn from `rng` (122 random bits, version nibble 4, variant
 * bits 10): `xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx`, lower case. Built in a byte buffer and
 * sliced once: a flat string, about 2x faster than concatenating hex pairs (measured).
 */
export function uuidV4(rng: Prng): string {
  let at = 0;
  for (let word = 0; word < 4; word++) {
    let x = rng.nextUint32();
    if (word === 1) x = ((x & 0xffff0fff) | 0x00004000) >>> 0;
    else if (word === 2) x = ((x & 0x3fffffff) | 0x80000000) >>> 0;
    for (let shift = 28; shift >= 0; shift -= 4) {
      if (at === 8 || at === 13 || at === 18 || at === 23) scratch[at++] = 45; // '-'
      scratch[at++] = HEX_DIGITS[(x >>> shift) & 15] as number;
    }
  }
  return scratch.toString('latin1', 0, 36);
}

/** `count` random lower-case hex digits (1..8) drawn from `rng`. */
export function randomHex(rng: Prng, count: number): string {
  return (rng.nextUint32() >>> 0).toString(16).padStart(8, '0').slice(0, count);
}
