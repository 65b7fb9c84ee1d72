import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { REASON_CODES, validateEvent, validateText, type ValidationResult } from './index.js';

interface ReferenceCase {
  readonly case: string;
  readonly expected: 'silver' | 'quarantine';
  readonly expected_reasons: string;
  readonly event: Record<string, unknown>;
}
interface ReasonCase {
  readonly case: string;
  readonly raw?: string;
  readonly event?: Record<string, unknown>;
  /** Replace `field` of `event` by a string of `chars` characters (keeps the fixture file small). */
  readonly fill?: { readonly field: string; readonly chars: number };
  readonly expected_reasons: readonly string[];
}

const FIXTURES = 'test/fixtures/contract';
const readJsonl = <T>(name: string): T[] =>
  readFileSync(`${FIXTURES}/${name}`, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as T);

const reasonsOf = (r: ValidationResult): readonly string[] => (r.valid ? [] : r.reasons);

for (const c of readJsonl<ReferenceCase>('reference-contract-examples.jsonl')) {
  test(`reference example: ${c.case}`, () => {
    const expected = c.expected_reasons === '' ? [] : c.expected_reasons.split(',');
    assert.equal(c.expected === 'silver', expected.length === 0);
    for (const options of [undefined, { maxFutureMs: 0, referenceOnly: true }]) {
      assert.deepEqual(reasonsOf(validateEvent(c.event, options)), expected);
      assert.deepEqual(reasonsOf(validateText(JSON.stringify(c.event), options)), expected);
    }
  });
}

function rawOf(c: ReasonCase): string {
  if (c.raw !== undefined) return c.raw;
  const event = { ...c.event };
  if (c.fill !== undefined) event[c.fill.field] = 'x'.repeat(c.fill.chars);
  return JSON.stringify(event);
}

const reasonCases = readJsonl<ReasonCase>('reason-codes.jsonl');
for (const c of reasonCases) {
  test(`reason fixture: ${c.case}`, () => {
    assert.deepEqual(reasonsOf(validateText(rawOf(c))), c.expected_reasons);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
}

test('every reason code but late_beyond_watermark (the processor assigns it) has a fixture case', () => {
  const covered = new Set(reasonCases.flatMap((c) => c.expected_reasons));
  const missing = REASON_CODES.filter((code) => code !== 'late_beyond_watermark' && !covered.has(code));
  assert.deepEqual(missing, []);
});

test('every valid fixture case is also valid for validateEvent on the parsed object', () => {
  for (const c of reasonCases.filter((x) => x.expected_reasons.length === 0)) {
    const parsed: unknown = JSON.parse(rawOf(c).replace(/^\uFEFF/, ''));
    assert.equal(validateEvent(parsed).valid, true, c.case);
  }
});
