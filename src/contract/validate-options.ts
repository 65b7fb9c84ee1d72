/** Limits of the validator. Every field but maxFutureMs may be omitted (defaults below). */
export interface ValidateOptions {
  /** event_time may lie at most this far after ingest_time (event_time_in_future). */
  readonly maxFutureMs: number;
  /** Longest id-like string (ids, source, category, country, ...), in UTF-16 code units (value_too_long). */
  readonly maxIdChars?: number;
  /** Longest free-text string (page_url, referrer, user_agent), in UTF-16 code units (value_too_long). */
  readonly maxTextChars?: number;
  /** Largest record accepted by validateText / validateBytes, in UTF-8 bytes (record_too_large). */
  readonly maxRecordBytes?: number;
  /**
   * true = apply only the nine reference rules and the four reference event types: the verdict is
   * exactly the reference contract's. false (default) = the reference rules plus shopstream's own.
   */
  readonly referenceOnly?: boolean;
}

export const DEFAULT_MAX_ID_CHARS = 1024;
export const DEFAULT_MAX_TEXT_CHARS = 4096;
export const DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;

export const DEFAULT_VALIDATE_OPTIONS: Required<ValidateOptions> = Object.freeze({
  maxFutureMs: 24 * 3600 * 1000,
  maxIdChars: DEFAULT_MAX_ID_CHARS,
  maxTextChars: DEFAULT_MAX_TEXT_CHARS,
  maxRecordBytes: DEFAULT_MAX_RECORD_BYTES,
  referenceOnly: false,
});
