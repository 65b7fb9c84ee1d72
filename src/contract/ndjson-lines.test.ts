import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { readNdjsonLines, type NdjsonLine } from './ndjson-lines.js';

async function collect(chunks: readonly (string | Buffer)[], maxLineBytes: number): Promise<NdjsonLine[]> {
  const out: NdjsonLine[] = [];
  for await (const batch of readNdjsonLines(Readable.from(chunks.map((c) => Buffer.from(c))), maxLineBytes))
    out.push(...batch);
  return out;
}
const texts = (lines: readonly NdjsonLine[]): (string | null)[] =>
  lines.map((l) => (l.bytes === null ? null : l.bytes.toString('utf8')));

test('splits across chunk boundaries, strips CR, keeps empty lines, no extra line after a final newline', async () => {
  const lines = await collect(['{"a"', ':1}\r\n\n{"b":2}\n', 'tail'], 100);
  assert.deepEqual(texts(lines), ['{"a":1}', '', '{"b":2}', 'tail']);
  assert.deepEqual(
    lines.map((l) => l.line),
    [1, 2, 3, 4],
  );
  assert.deepEqual(texts(await collect(['x\n'], 100)), ['x']);
  assert.deepEqual(texts(await collect([], 100)), []);
});

test('a line beyond maxLineBytes is reported with its size but never buffered, the next line is intact', async () => {
  const big = 'y'.repeat(50);
  const lines = await collect(['ok\n', big.slice(0, 20), big.slice(20), '\nafter\n', 'z'.repeat(30)], 10);
  assert.deepEqual(texts(lines), ['ok', null, 'after', null]);
  const oversized = lines[1]!;
  assert.equal(oversized.bytes === null ? oversized.byteLength : -1, 50);
});

test('splits a multi-byte character across chunks without corrupting it', async () => {
  const bytes = Buffer.from('é😀\n', 'utf8');
  const lines = await collect([bytes.subarray(0, 1), bytes.subarray(1, 4), bytes.subarray(4)], 100);
  assert.deepEqual(texts(lines), ['é😀']);
});
