import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { floorSlopePerHour, slopePerHour } from './process-sampler.js';

const MIN = 60_000;
/** One sample every 5 s for `minutes`, value from f(hours since start). */
const series = (minutes: number, f: (h: number, i: number) => number) =>
  Array.from({ length: (minutes * MIN) / 5_000 }, (_, i) => ({
    atMs: 1e12 + i * 5_000,
    v: f((i * 5_000) / 3_600_000, i),
  }));

describe('memory slopes', () => {
  it('fits a straight line exactly, per hour', () => {
    const s = series(30, (h) => 400 + 60 * h);
    assert.ok(Math.abs(slopePerHour(s, (x) => x.v) - 60) < 1e-9);
    assert.equal(
      slopePerHour(s.slice(0, 1), (x) => x.v),
      0,
    );
  });

  it('the floor slope ignores a sawtooth that always comes back down, and sees a rising floor', () => {
    // Caches fill to +200 and are freed every 2 minutes: a flat floor under a large sawtooth.
    const saw = (i: number) => ((i % 24) / 24) * 200;
    const flat = series(60, (_h, i) => 500 + saw(i));
    assert.ok(Math.abs(floorSlopePerHour(flat, (x) => x.v, 10 * MIN)) < 1e-9);
    // The same sawtooth on a floor that rises 30 per hour.
    const rising = series(60, (h, i) => 500 + 30 * h + saw(i));
    const floor = floorSlopePerHour(rising, (x) => x.v, 10 * MIN);
    assert.ok(Math.abs(floor - 30) < 0.5, `floor slope ${floor}`);
    // No samples, no slope.
    assert.equal(
      floorSlopePerHour([], (x: { atMs: number }) => x.atMs, MIN),
      0,
    );
  });
});
