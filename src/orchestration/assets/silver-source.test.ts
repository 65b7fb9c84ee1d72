import { test } from 'node:test';
import assert from 'node:assert/strict';
import { holdOpenDay, type HeldDay } from './silver-source.js';

const HOUR = 3_600_000;
const at = (iso: string) => Date.parse(iso);

/** Runs observations in order, carrying the held state like the source does. */
function observeAll(
  steps: ReadonlyArray<[string, Record<string, string>]>,
  holdMs: number,
): Array<Record<string, string>> {
  let held: HeldDay | undefined;
  return steps.map(([iso, observed]) => {
    const r = holdOpenDay(new Map(Object.entries(observed)), held, at(iso), holdMs);
    held = r.held;
    return Object.fromEntries(r.versions);
  });
}

test('the open day keeps its reported version for holdMs; then the new one is reported', () => {
  const reported = observeAll(
    [
      ['2026-12-05T10:00:00Z', { '2026-12-05': 'a' }],
      ['2026-12-05T10:10:00Z', { '2026-12-05': 'b' }],
      ['2026-12-05T10:59:59Z', { '2026-12-05': 'c' }],
      ['2026-12-05T11:00:00Z', { '2026-12-05': 'd' }],
      ['2026-12-05T11:10:00Z', { '2026-12-05': 'e' }],
    ],
    HOUR,
  );
  assert.deepEqual(
    reported.map((r) => r['2026-12-05']),
    ['a', 'a', 'a', 'd', 'd'],
  );
});

test('closed days report every change, while the open day is held', () => {
  const reported = observeAll(
    [
      ['2026-12-05T10:00:00Z', { '2026-12-04': 'x1', '2026-12-05': 'a' }],
      ['2026-12-05T10:10:00Z', { '2026-12-04': 'x2', '2026-12-05': 'b' }],
    ],
    HOUR,
  );
  assert.deepEqual(reported[1], { '2026-12-04': 'x2', '2026-12-05': 'a' });
});

test('after midnight the day just closed reports its final version at once', () => {
  const reported = observeAll(
    [
      ['2026-12-05T23:50:00Z', { '2026-12-05': 'a' }],
      ['2026-12-05T23:59:00Z', { '2026-12-05': 'b' }],
      ['2026-12-06T00:01:00Z', { '2026-12-05': 'c', '2026-12-06': 'n1' }],
      ['2026-12-06T00:11:00Z', { '2026-12-05': 'c', '2026-12-06': 'n2' }],
    ],
    HOUR,
  );
  assert.deepEqual(
    reported.map((r) => [r['2026-12-05'], r['2026-12-06']]),
    [
      ['a', undefined],
      ['a', undefined],
      ['c', 'n1'],
      ['c', 'n1'],
    ],
  );
});

test('holdMs 0 reports every change of the open day', () => {
  const reported = observeAll(
    [
      ['2026-12-05T10:00:00Z', { '2026-12-05': 'a' }],
      ['2026-12-05T10:00:01Z', { '2026-12-05': 'b' }],
    ],
    0,
  );
  assert.deepEqual(
    reported.map((r) => r['2026-12-05']),
    ['a', 'b'],
  );
});
