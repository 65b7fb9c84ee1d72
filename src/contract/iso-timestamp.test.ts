import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIsoTimestampMs } from './iso-timestamp.js';

test('agrees with Date.parse on 20,000 instants from year 1 to 9999 (Z, millis)', () => {
  let seed = 7;
  for (let i = 0; i < 20_000; i++) {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    const ms =
      Date.UTC(1, 0, 1) + Math.floor((seed / 2_147_483_648) * (Date.UTC(9999, 11, 31) - Date.UTC(1, 0, 1)));
    const iso = new Date(ms).toISOString();
    assert.equal(parseIsoTimestampMs(iso), ms, iso);
  }
});

test('accepts no fraction, 1-9 fraction digits, offsets and a space separator', () => {
  const base = Date.parse('2026-01-24T13:05:12.000Z');
  assert.equal(parseIsoTimestampMs('2026-01-24T13:05:12Z'), base);
  assert.equal(parseIsoTimestampMs('2026-01-24T13:05:12.1Z'), base + 100);
  assert.equal(parseIsoTimestampMs('2026-01-24T13:05:12.123456789Z'), base + 123);
  assert.equal(parseIsoTimestampMs('2026-01-24 13:05:12Z'), base);
  assert.equal(parseIsoTimestampMs('2026-01-24T13:05:12+00:00'), base);
  assert.equal(parseIsoTimestampMs('2026-01-24T15:05:12+02:00'), base);
  assert.equal(parseIsoTimestampMs('2026-01-24T08:35:12-04:30'), base);
  assert.equal(parseIsoTimestampMs('2024-02-29T00:00:00Z'), Date.parse('2024-02-29T00:00:00Z'));
  assert.equal(parseIsoTimestampMs('2000-02-29T00:00:00Z'), Date.parse('2000-02-29T00:00:00Z'));
});

test('rejects impossible dates, missing zones and malformed text with NaN', () => {
  const bad = [
    '',
    'now',
    '2026-01-24',
    '2026-01-24T13:05Z',
    '2026-01-24T13:05:12',
    '2026-01-24T13:05:12.123',
    '2026-13-24T13:05:12Z',
    '2026-00-24T13:05:12Z',
    '2026-02-29T13:05:12Z',
    '1900-02-29T00:00:00Z',
    '2026-04-31T00:00:00Z',
    '2026-01-00T00:00:00Z',
    '2026-01-24T24:00:00Z',
    '2026-01-24T13:60:00Z',
    '2026-01-24T13:05:60Z',
    '0000-01-01T00:00:00Z',
    '2026-01-24t13:05:12Z',
    '2026-01-24T13:05:12z',
    '2026-01-24T13:05:12.Z',
    '2026-01-24T13:05:12.1234567890Z',
    '2026-01-24T13:05:12+0200',
    '2026-01-24T13:05:12+19:00',
    '2026-01-24T13:05:12+02:60',
    '2026-01-24T13:05:12Z ',
    ' 2026-01-24T13:05:12Z',
    '+02026-01-24T13:05:12Z',
    '2026/01/24T13:05:12Z',
    '2026-1-24T13:05:12.000Z',
    'x'.repeat(1_000_000),
    '２０２６-01-24T13:05:12Z',
    '2026-01-24T13:05:12.12aZ',
  ];
  for (const text of bad) assert.ok(Number.isNaN(parseIsoTimestampMs(text)), text.slice(0, 40));
});
