import { OPTIONAL_FIELDS, REFERENCE_FIELDS, type ShopEvent } from './event.js';
import {
  badTypeMask,
  conditionalMask,
  FULL_TYPE_RULES,
  REFERENCE_TYPE_RULES,
  type TypeRules,
} from './event-type-rules.js';
import { FACT } from './field-facts.js';
import { scanFields } from './field-scan.js';
import { parseIsoTimestampMs } from './iso-timestamp.js';
import { REASON_BIT, reasonsOf, type ReasonCode } from './reason-codes.js';
import {
  DEFAULT_MAX_ID_CHARS,
  DEFAULT_MAX_TEXT_CHARS,
  DEFAULT_VALIDATE_OPTIONS,
  type ValidateOptions,
} from './validate-options.js';

export type ValidationResult =
  | {
      readonly valid: true;
      /** The validated object itself (not a copy), drift fields included. */
      readonly event: ShopEvent;
      readonly eventTimeMs: number;
      readonly ingestTimeMs: number;
      /** Names of unknown extra fields, in object key order; [] when none. */
      readonly drift: readonly string[];
    }
  | { readonly valid: false; readonly reasons: readonly ReasonCode[] };

export type InvalidResult = Extract<ValidationResult, { valid: false }>;

// Module-local copies: a hot path must not read an imported object's properties per event.
const {
  CHANNEL_UNKNOWN,
  CURRENCY_NOT_ISO,
  DRIFT,
  EVENT_ID_STRING,
  SESSION_ID_STRING,
  TOO_LONG,
  USER_ID_STRING,
  VERSION_OK,
} = FACT;
const BIT_BAD_CHANNEL = REASON_BIT.bad_channel;
const BIT_BAD_CURRENCY = REASON_BIT.bad_currency;
const BIT_BAD_EVENT_TIME = REASON_BIT.bad_event_time;
const BIT_BAD_EVENT_VERSION = REASON_BIT.bad_event_version;
const BIT_BAD_INGEST_TIME = REASON_BIT.bad_ingest_time;
const BIT_EVENT_TIME_IN_FUTURE = REASON_BIT.event_time_in_future;
const BIT_INVALID_EVENT_TYPE = REASON_BIT.invalid_event_type;
const BIT_MISSING_EVENT_ID = REASON_BIT.missing_event_id;
const BIT_MISSING_SESSION_ID = REASON_BIT.missing_session_id;
const BIT_MISSING_USER_ID = REASON_BIT.missing_user_id;
const BIT_VALUE_TOO_LONG = REASON_BIT.value_too_long;
const FULL_RULES = FULL_TYPE_RULES;
const REFERENCE_RULES = REFERENCE_TYPE_RULES;
const KNOWN_FIELDS: ReadonlySet<string> = new Set([...REFERENCE_FIELDS, ...OPTIONAL_FIELDS]);
const NO_DRIFT: readonly string[] = Object.freeze([]);

/** A frozen invalid result carrying one reason. */
export function invalid(reason: ReasonCode): InvalidResult {
  return Object.freeze({ valid: false, reasons: reasonsOf(REASON_BIT[reason]) });
}
const NOT_AN_OBJECT = invalid('not_an_object');

/**
 * Checks one event (the output of JSON.parse) against contract v1. Never throws, never mutates or
 * copies `value`: a valid result carries the object itself. Reasons come in the fixed order of
 * REASON_CODES. Deterministic: time rules compare event_time with ingest_time, never the clock.
 */
export function validateEvent(
  value: unknown,
  options: ValidateOptions = DEFAULT_VALIDATE_OPTIONS,
): ValidationResult {
  if (value === null || typeof value !== 'object') return NOT_AN_OBJECT;
  try {
    return Array.isArray(value) ? NOT_AN_OBJECT : check(value as Readonly<Record<string, unknown>>, options);
  } catch {
    // Only exotic non-JSON inputs (a throwing getter, a revoked Proxy) get here.
    return NOT_AN_OBJECT;
  }
}

function check(e: Readonly<Record<string, unknown>>, options: ValidateOptions): ValidationResult {
  const maxIdChars = options.maxIdChars ?? DEFAULT_MAX_ID_CHARS;
  const scan = scanFields(e, maxIdChars, options.maxTextChars ?? DEFAULT_MAX_TEXT_CHARS);
  const facts = scan.facts;
  const referenceOnly = options.referenceOnly === true;
  const rules = (referenceOnly ? REFERENCE_RULES : FULL_RULES).get(scan.eventType);
  const eventTimeMs = timeMs(scan.eventTime);
  const ingestTimeMs = timeMs(scan.ingestTime);
  let mask = conditionalMask(rules, facts);
  if ((facts & EVENT_ID_STRING) === 0) mask |= BIT_MISSING_EVENT_ID;
  if (rules === undefined) mask |= BIT_INVALID_EVENT_TYPE;
  if ((facts & USER_ID_STRING) === 0) mask |= BIT_MISSING_USER_ID;
  if ((facts & SESSION_ID_STRING) === 0) mask |= BIT_MISSING_SESSION_ID;
  if (ingestTimeMs !== ingestTimeMs) mask |= BIT_BAD_INGEST_TIME;
  if (eventTimeMs !== eventTimeMs) mask |= BIT_BAD_EVENT_TIME;
  if (!referenceOnly) mask |= ownMask(rules, facts, eventTimeMs - ingestTimeMs, options.maxFutureMs);
  if (mask !== 0) return { valid: false, reasons: reasonsOf(mask) };
  const drift = (facts & DRIFT) === 0 ? NO_DRIFT : driftOf(e);
  return { valid: true, event: e as unknown as ShopEvent, eventTimeMs, ingestTimeMs, drift };
}

/** shopstream's rules beyond the reference (bad_event_version ... inventory_update_requires_stock_level). */
function ownMask(rules: TypeRules | undefined, facts: number, futureMs: number, maxFutureMs: number): number {
  let mask = badTypeMask(rules, facts);
  if ((facts & VERSION_OK) === 0) mask |= BIT_BAD_EVENT_VERSION;
  if ((facts & TOO_LONG) !== 0) mask |= BIT_VALUE_TOO_LONG;
  if (futureMs > maxFutureMs) mask |= BIT_EVENT_TIME_IN_FUTURE;
  if ((facts & CHANNEL_UNKNOWN) !== 0) mask |= BIT_BAD_CHANNEL;
  if ((facts & CURRENCY_NOT_ISO) !== 0) mask |= BIT_BAD_CURRENCY;
  return mask;
}

function timeMs(value: unknown): number {
  return typeof value === 'string' ? parseIsoTimestampMs(value) : NaN;
}

/** Own keys outside the contract (`__proto__` and `constructor` included: they are own keys of JSON.parse output). */
function driftOf(e: Readonly<Record<string, unknown>>): readonly string[] {
  const keys = Object.keys(e);
  let drift: string[] | undefined;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (!KNOWN_FIELDS.has(key)) (drift ??= []).push(key);
  }
  return drift ?? NO_DRIFT;
}
