import { promisify } from 'node:util';
import { gunzip, inflate } from 'node:zlib';
import { ShopError } from '../../errors/index.js';

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);

/**
 * The decoded body bytes: `content-encoding` gzip or deflate is undone with the output capped at
 * `maxBytes` (a zip bomb is refused, never inflated); identity is checked against the same cap.
 */
export async function decodeBody(
  raw: unknown,
  contentEncoding: string | undefined,
  maxBytes: number,
): Promise<Buffer> {
  if (!Buffer.isBuffer(raw) || raw.length === 0)
    throw new ShopError('SHOP_COLLECTOR_BAD_BODY', 'the request has no body');
  const encoding = (contentEncoding ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '') return checkSize(raw, maxBytes);
  if (encoding !== 'gzip' && encoding !== 'deflate') {
    throw new ShopError(
      'SHOP_COLLECTOR_UNSUPPORTED_MEDIA_TYPE',
      `content-encoding ${encoding.slice(0, 32)} is not supported (gzip, deflate, identity)`,
    );
  }
  try {
    const inflateBody = encoding === 'gzip' ? gunzipAsync : inflateAsync;
    return checkSize(await inflateBody(raw, { maxOutputLength: maxBytes + 1 }), maxBytes);
  } catch (err) {
    if (err instanceof ShopError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(maxBytes);
    throw new ShopError('SHOP_COLLECTOR_BAD_BODY', `the ${encoding} body cannot be decompressed`);
  }
}

function checkSize(body: Buffer, maxBytes: number): Buffer {
  if (body.length > maxBytes) throw tooLarge(maxBytes);
  return body;
}

function tooLarge(maxBytes: number): ShopError {
  return new ShopError('SHOP_COLLECTOR_BODY_TOO_LARGE', `the decompressed body exceeds ${maxBytes} bytes`);
}

/** True for `application/x-ndjson`, `application/jsonl`, `application/jsonlines` and similar. */
export function isNdjson(contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return (
    type === 'application/x-ndjson' ||
    type === 'application/ndjson' ||
    type === 'application/jsonl' ||
    type === 'application/x-jsonlines' ||
    type === 'application/jsonlines'
  );
}

/** JSON, `text/plain` JSON (what browser SDKs send to avoid a CORS preflight), or no type. */
export function isJsonLike(contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return type === '' || type === 'application/json' || type === 'text/plain' || type.endsWith('+json');
}

/** One JSON document; a parse failure is a coded 400 that never quotes the body. */
export function parseJsonDocument(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new ShopError('SHOP_COLLECTOR_BAD_BODY', `the body is not valid JSON (${body.length} bytes)`);
  }
}

/** An NDJSON line: its exact bytes (kept as the log record) and its partition key. */
export interface NdjsonItem {
  readonly bytes: Buffer;
  /** The line's string `user_id`, or null (the record is then spread round-robin). */
  readonly userId: string | null;
}

/**
 * The lines of an NDJSON body (LF or CRLF; blank lines skipped). Each line must be framed as a
 * JSON object (`{` ... `}` after trimming) or the whole body is refused (the response names the
 * line number, never its text). Lines are not fully parsed here (the hot path): the processor
 * parses every record and quarantines one that is not JSON as `not_json`, so nothing is lost.
 */
export function parseNdjson(body: Buffer, maxLines: number): NdjsonItem[] {
  const items: NdjsonItem[] = [];
  let start = 0;
  let lineNo = 0;
  while (start < body.length) {
    let end = body.indexOf(0x0a, start);
    if (end === -1) end = body.length;
    lineNo++;
    const [from, to] = trimmed(body, start, end);
    if (to > from) {
      if (items.length === maxLines)
        throw new ShopError('SHOP_COLLECTOR_TOO_MANY_EVENTS', `more than ${maxLines} events in one request`);
      if (body[from] !== 0x7b || body[to - 1] !== 0x7d)
        throw new ShopError('SHOP_COLLECTOR_BAD_BODY', `line ${lineNo} is not a JSON object`);
      const bytes = body.subarray(from, to);
      items.push({ bytes, userId: userIdIn(bytes) });
    }
    start = end + 1;
  }
  return items;
}

function trimmed(body: Buffer, start: number, end: number): [number, number] {
  let from = start;
  let to = end;
  while (from < to && isSpace(body[from]!)) from++;
  while (to > from && isSpace(body[to - 1]!)) to--;
  return [from, to];
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d;
}

const USER_ID_KEY = Buffer.from('"user_id"');

/**
 * The value of `"user_id": "<text>"` found by a byte scan (no JSON.parse); null when absent, not
 * a plain string, or escaped (the partition key then falls back to round-robin, never wrong data).
 */
export function userIdIn(line: Buffer): string | null {
  const at = line.indexOf(USER_ID_KEY);
  if (at === -1) return null;
  let i = at + USER_ID_KEY.length;
  while (i < line.length && isSpace(line[i]!)) i++;
  if (line[i] !== 0x3a) return null;
  i++;
  while (i < line.length && isSpace(line[i]!)) i++;
  if (line[i] !== 0x22) return null;
  const close = line.indexOf(0x22, i + 1);
  if (close === -1 || line.subarray(i + 1, close).includes(0x5c)) return null;
  return close > i + 1 ? line.toString('utf8', i + 1, close) : null;
}
