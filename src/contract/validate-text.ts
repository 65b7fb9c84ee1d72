import { isUtf8 } from 'node:buffer';
import {
  DEFAULT_MAX_RECORD_BYTES,
  DEFAULT_VALIDATE_OPTIONS,
  type ValidateOptions,
} from './validate-options.js';
import { invalid, validateEvent, type ValidationResult } from './validate-event.js';

const NOT_JSON = invalid('not_json');
const RECORD_TOO_LARGE = invalid('record_too_large');
const BOM = 0xfeff;

/** JSON.parse that never throws. A leading byte-order mark is ignored. */
export function parseEventText(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text.charCodeAt(0) === BOM ? text.slice(1) : text) as unknown };
  } catch {
    return { ok: false };
  }
}

/**
 * Validates one record given as text: record_too_large past maxRecordBytes (UTF-8), not_json when
 * it does not parse (the empty string included), else validateEvent. Never throws.
 */
export function validateText(
  text: string,
  options: ValidateOptions = DEFAULT_VALIDATE_OPTIONS,
): ValidationResult {
  const maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  // A UTF-16 code unit is at most 3 UTF-8 bytes: count bytes only when the text may be too large.
  if (text.length * 3 > maxRecordBytes && Buffer.byteLength(text, 'utf8') > maxRecordBytes)
    return RECORD_TOO_LARGE;
  const parsed = parseEventText(text);
  return parsed.ok ? validateEvent(parsed.value, options) : NOT_JSON;
}

/**
 * Validates one record given as bytes (a log record value, an NDJSON line without its newline):
 * record_too_large past maxRecordBytes, not_json when it is not UTF-8 (RFC 8259) or not JSON.
 */
export function validateBytes(
  bytes: Uint8Array,
  options: ValidateOptions = DEFAULT_VALIDATE_OPTIONS,
): ValidationResult {
  if (bytes.byteLength > (options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES)) return RECORD_TOO_LARGE;
  if (!isUtf8(bytes)) return NOT_JSON;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  return validateText(text, options);
}
