import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRoundRobin, murmur2, partitionForKey, toPositive } from './partitioner.js';

// Vectors from Apache Kafka's UtilsTest.testMurmur2 (the Java reference implementation).
const KAFKA_VECTORS: ReadonlyArray<readonly [string, number]> = [
  ['21', -973932308],
  ['foobar', -790332482],
  ['a-little-bit-long-string', -985981536],
  ['a-little-bit-longer-string', -1486304829],
  ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
  ['abc', 479470107],
];

test('murmur2 matches the Java reference vectors, including every tail length', () => {
  for (const [input, expected] of KAFKA_VECTORS) {
    assert.equal(murmur2(Buffer.from(input)), expected, input);
  }
});

test('murmur2 hashes raw bytes, not characters', () => {
  const utf8 = Buffer.from('é');
  assert.equal(utf8.length, 2);
  assert.notEqual(murmur2(utf8), murmur2(Buffer.from([0xe9])));
});

test('partitionForKey = toPositive(murmur2) % partitions', () => {
  for (const [input, hash] of KAFKA_VECTORS) {
    for (const partitions of [1, 3, 4, 12]) {
      assert.equal(partitionForKey(Buffer.from(input), partitions), (hash & 0x7fffffff) % partitions);
    }
  }
  // "21" hashes to a negative value: the sign bit is cleared, not negated.
  assert.equal(toPositive(-973932308), 1173551340);
  assert.equal(toPositive(-2147483648), 0);
});

test('round-robin cycles over every partition', () => {
  const next = createRoundRobin(3);
  assert.deepEqual([next(), next(), next(), next(), next()], [0, 1, 2, 0, 1]);
});
