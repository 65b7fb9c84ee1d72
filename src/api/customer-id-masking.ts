import { maskPii, type PiiMasking } from '../pipeline/silver/pii-masking.js';

/**
 * How customer-level API responses (the order feed, customer pages, explain routes with user ids)
 * show a user id under processor.piiMasking: `off` = as stored; `redact` = the literal `redacted`;
 * `hash` = `h:` + the salted SHA-256 prefix Silver uses for PII, so one customer keeps one stable
 * pseudonym across responses and a caller holding the id can compute it.
 */
export type CustomerIdMasker = (userId: string) => string;

export function customerIdMasker(mode: PiiMasking, salt: string): CustomerIdMasker {
  if (mode === 'off') return (id) => id;
  if (mode === 'redact') return () => 'redacted';
  return (id) => `h:${maskPii(id, 'hash', salt) ?? ''}`;
}
