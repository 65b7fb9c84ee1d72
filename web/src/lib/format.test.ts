import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatAxisNumber, formatCompact, formatTimeTick, valueForms } from './format.js';

describe('formatCompact', () => {
  it('writes the largest unit reached, lower-case k, trailing zeros dropped', () => {
    assert.equal(formatCompact(15_000), '15k');
    assert.equal(formatCompact(1_200_000), '1.2M');
    assert.equal(formatCompact(745_839.12, 1, 'money'), '$745.8k');
    assert.equal(formatCompact(-2_500, 1, 'money'), '-$2.5k');
    assert.equal(formatCompact(950), '950');
    assert.equal(formatCompact(0), '0');
  });

  it('moves up a unit when rounding reaches 1000', () => {
    assert.equal(formatCompact(999_970, 1), '1M');
    assert.equal(formatCompact(999.97, 1), '1k');
  });
});

describe('formatAxisNumber', () => {
  it('keeps as many decimals as a tick needs, so neighbouring ticks never read alike', () => {
    assert.deepEqual([0, 2_500, 5_000, 12_500, 15_000].map(formatAxisNumber), [
      '0',
      '2.5k',
      '5k',
      '12.5k',
      '15k',
    ]);
    assert.deepEqual([1_000_000, 1_025_000, 1_050_000].map(formatAxisNumber), ['1M', '1.025M', '1.05M']);
    assert.equal(formatAxisNumber(0.1 + 0.2), '0.3');
  });
});

describe('valueForms', () => {
  it('lists the full value first, then shorter compact forms, without repeats', () => {
    assert.deepEqual(valueForms(745_839.12, 'money'), [
      '$745,839.12',
      '$745,839',
      '$745.84k',
      '$745.8k',
      '$746k',
    ]);
    assert.deepEqual(valueForms(2_064_123, 'count'), ['2,064,123', '2.06M', '2.1M', '2M']);
    assert.deepEqual(valueForms(0.11434, 'rate'), ['11.43%', '11.4%', '11%']);
    assert.deepEqual(valueForms(12, 'count'), ['12']);
  });
});

describe('formatTimeTick', () => {
  const t = Date.parse('2026-01-24T13:05:00Z') / 1000;
  it('writes UTC HH:MM, seconds below a minute apart, the date at midnight or day steps', () => {
    assert.equal(formatTimeTick(t, 300), '13:05');
    assert.equal(formatTimeTick(t + 30, 15), '13:05:30');
    assert.equal(formatTimeTick(Date.parse('2026-01-25T00:00:00Z') / 1000, 3600), '01-25');
    assert.equal(formatTimeTick(t, 86_400), '01-24');
  });
});
