/** One line of an NDJSON stream, without its `\n` (and without a trailing `\r`). */
export type NdjsonLine =
  | { readonly line: number; readonly bytes: Buffer }
  /** The line exceeded maxLineBytes: its bytes were discarded as they streamed in. */
  | { readonly line: number; readonly bytes: null; readonly byteLength: number };

/**
 * Splits a byte stream into lines (1-based numbers), yielded in batches (one per chunk read, so
 * the per-line cost is not an async step), in bounded memory: a line longer than
 * `maxLineBytes` is counted but never buffered, so a 10 GB line or binary garbage without newlines
 * cannot exhaust memory. A final line without `\n` is yielded; a trailing `\n` ends no extra line.
 */
export async function* readNdjsonLines(
  stream: AsyncIterable<Buffer | string>,
  maxLineBytes: number,
): AsyncGenerator<NdjsonLine[]> {
  let parts: Buffer[] = [];
  let partsBytes = 0;
  let oversized = false;
  let line = 0;
  for await (const chunk of stream) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    let start = 0;
    const batch: NdjsonLine[] = [];
    for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
      const piece = buf.subarray(start, nl);
      line += 1;
      if (!oversized && partsBytes + piece.length <= maxLineBytes + 1)
        batch.push({ line, bytes: joinLine(parts, piece) });
      else batch.push({ line, bytes: null, byteLength: partsBytes + piece.length });
      parts = [];
      partsBytes = 0;
      oversized = false;
      start = nl + 1;
    }
    if (batch.length > 0) yield batch;
    const rest = buf.subarray(start);
    partsBytes += rest.length;
    // +1 tolerates the `\r` of a CRLF line that is exactly maxLineBytes long.
    if (partsBytes > maxLineBytes + 1) oversized = true;
    if (oversized) parts = [];
    else if (rest.length > 0) parts.push(Buffer.from(rest)); // copy: the stream may reuse its chunk
  }
  if (partsBytes > 0) {
    line += 1;
    yield [
      oversized
        ? { line, bytes: null, byteLength: partsBytes }
        : { line, bytes: joinLine(parts, Buffer.alloc(0)) },
    ];
  }
}

function joinLine(parts: readonly Buffer[], last: Buffer): Buffer {
  const whole = parts.length === 0 ? last : Buffer.concat([...parts, last]);
  return whole.length > 0 && whole[whole.length - 1] === 13 ? whole.subarray(0, whole.length - 1) : whole;
}
