import { isUtf8 } from 'node:buffer';

/** The raw columns of a log record: text when it is valid UTF-8, else the bytes as they are. */
export interface RawRecordColumns {
  readonly rawJson: string | null;
  readonly rawBytes: Uint8Array | null;
}

/** Splits a record value into `raw_json` (valid UTF-8, decoded losslessly) or `raw_bytes` (anything else). */
export function rawRecordColumns(value: Uint8Array): RawRecordColumns {
  if (isUtf8(value)) {
    return {
      rawJson: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8'),
      rawBytes: null,
    };
  }
  return { rawJson: null, rawBytes: value };
}
