/**
 * Kafka's default partitioner, so that a key lands on the same partition in the embedded log and in
 * Kafka (and in any Java, librdkafka or kafkajs producer using the murmur2 partitioner).
 */

const SEED = 0x9747b28c;
const M = 0x5bd1e995;
const R = 24;

/**
 * 32-bit MurmurHash2 exactly as `org.apache.kafka.common.utils.Utils.murmur2`: little-endian 4-byte
 * words, seed 0x9747b28c, result as a signed 32-bit integer (Java `int`).
 */
export function murmur2(key: Buffer): number {
  const length = key.length;
  let h = SEED ^ length;
  const words = length >>> 2;
  for (let i = 0; i < words; i++) {
    const at = i << 2;
    let k = key[at]! | (key[at + 1]! << 8) | (key[at + 2]! << 16) | (key[at + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> R;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const tail = words << 2;
  const rest = length & 3;
  if (rest === 3) h ^= key[tail + 2]! << 16;
  if (rest >= 2) h ^= key[tail + 1]! << 8;
  if (rest >= 1) h = Math.imul(h ^ key[tail]!, M);
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** Kafka `Utils.toPositive`: clears the sign bit (not Math.abs, which differs for INT_MIN). */
export function toPositive(hash: number): number {
  return hash & 0x7fffffff;
}

/** The partition of a keyed record: `toPositive(murmur2(key)) % partitions`. */
export function partitionForKey(key: Buffer, partitions: number): number {
  return toPositive(murmur2(key)) % partitions;
}

/** Key-less records: plain round-robin over the partitions, one counter per instance. */
export function createRoundRobin(partitions: number): () => number {
  let next = 0;
  return () => {
    const partition = next;
    next = (next + 1) % partitions;
    return partition;
  };
}
