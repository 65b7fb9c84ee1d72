import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { toChartData } from './chart-data.js';
import { completePoints, openBucketStartMs } from './incomplete-window.js';

const ts = (min: number) => new Date(Date.parse('2026-01-24T13:00:00Z') + min * 60_000).toISOString();
const sec = (min: number) => Date.parse(ts(min)) / 1000;

describe('toChartData', () => {
  const a = { points: [0, 1, 2, 3].map((m) => ({ ts: ts(m), value: 10 + m })) };
  const b = {
    points: [
      { ts: ts(1), value: 5 },
      { ts: ts(3), value: 1 },
    ],
  };

  it('aligns series on the union of their timestamps, gaps as null', () => {
    const d = toChartData([a, b]);
    assert.deepEqual(d.xs, [0, 1, 2, 3].map(sec));
    assert.deepEqual(d.complete, [
      [10, 11, 12, 13],
      [null, 5, null, 1],
    ]);
    assert.deepEqual(d.filling, [
      [null, null, null, null],
      [null, null, null, null],
    ]);
    assert.equal(d.openIndex, -1);
  });

  it('moves still-filling windows to the filling series, joined to the last complete value', () => {
    const d = toChartData([a, b], Date.parse(ts(3)));
    assert.equal(d.openIndex, 3);
    assert.deepEqual(d.complete, [
      [10, 11, 12, null],
      [null, 5, null, null],
    ]);
    assert.deepEqual(d.filling, [
      [null, null, 12, 13],
      [null, 5, null, 1],
    ]);
  });
});

describe('incomplete windows', () => {
  it('the open bucket is the one holding now, at the chart grain (UTC)', () => {
    const now = Date.parse('2026-01-24T13:05:42.500Z');
    assert.equal(new Date(openBucketStartMs('minute', now)).toISOString(), '2026-01-24T13:05:00.000Z');
    assert.equal(new Date(openBucketStartMs('hour', now)).toISOString(), '2026-01-24T13:00:00.000Z');
    assert.equal(new Date(openBucketStartMs('day', now)).toISOString(), '2026-01-24T00:00:00.000Z');
  });

  it('sparklines keep only the windows that have ended', () => {
    const points = [0, 1, 2].map((m) => ({ ts: ts(m), value: m }));
    assert.deepEqual(completePoints(points, Date.parse(ts(2))), points.slice(0, 2));
  });
});
