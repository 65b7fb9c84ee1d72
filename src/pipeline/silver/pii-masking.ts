import { createHash } from 'node:crypto';

export type PiiMasking = 'off' | 'redact' | 'hash';

/**
 * Masks a PII value for Silver: `redact` -> null, `hash` -> the first 16 hex chars of
 * SHA-256(salt + value) (stable, so joins and distinct counts still work), `off` -> unchanged.
 */
export function maskPii(value: string | null | undefined, mode: PiiMasking, salt: string): string | null {
  if (value === null || value === undefined) return null;
  if (mode === 'off') return value;
  if (mode === 'redact') return null;
  return createHash('sha256').update(salt).update(value).digest('hex').slice(0, 16);
}
