export {
  CHANNELS,
  EVENT_TYPES,
  OPTIONAL_FIELDS,
  PRODUCT_EVENT_TYPES,
  REFERENCE_EVENT_TYPES,
  REFERENCE_FIELDS,
  type Channel,
  type EventType,
  type KnownField,
  type ShopEvent,
} from './event.js';
export { parseIsoTimestampMs } from './iso-timestamp.js';
export {
  OWN_REASON_CODES,
  REASON_CODES,
  REFERENCE_REASON_CODES,
  isReasonCode,
  type ReasonCode,
} from './reason-codes.js';
export { DEFAULT_VALIDATE_OPTIONS, type ValidateOptions } from './validate-options.js';
export { validateEvent, type ValidationResult } from './validate-event.js';
export { parseEventText, validateBytes, validateText } from './validate-text.js';
