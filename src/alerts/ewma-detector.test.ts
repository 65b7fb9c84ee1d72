import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  detectEwma,
  ewmaBaseline,
  residuals,
  scoreLatest,
  severityOfZ,
  type EwmaOptions,
} from './ewma-detector.js';
import { passesCooldown } from './alert-cooldown.js';
import type { AlertCandidate } from './alert-types.js';

const O: EwmaOptions = { alpha: 0.2, historyWindows: 4, minHistoryWindows: 4, warningZ: 3, criticalZ: 5 };
const close = (a: number, b: number, eps = 1e-9) => assert.ok(Math.abs(a - b) < eps, `${a} != ${b}`);
const MIN = 60_000;

/*
 * Hand vector, alpha 0.2, history x = [10, 12, 10, 12, 10] then the scored value:
 *   b0 = 10
 *   r1 = 12 - 10     =  2       b1 = 0.2*12 + 0.8*10     = 10.4
 *   r2 = 10 - 10.4   = -0.4     b2 = 0.2*10 + 0.8*10.4   = 10.32
 *   r3 = 12 - 10.32  =  1.68    b3 = 0.2*12 + 0.8*10.32  = 10.656
 *   r4 = 10 - 10.656 = -0.656   b4 = 0.2*10 + 0.8*10.656 = 10.5248
 * previous residuals R = [2, -0.4, 1.68, -0.656]: mean = 2.624 / 4 = 0.656
 *   deviations 1.344, -1.056, 1.024, -1.312; squares 1.806336, 1.115136, 1.048576, 1.721344
 *   population variance = 5.691392 / 4 = 1.422848, std = sqrt(1.422848) = 1.192832...
 * x5 = 30: r5 = 30 - 10.5248 = 19.4752, z = (19.4752 - 0.656) / 1.192832 = 15.777 -> critical
 * x5 = 16: r5 = 5.4752,  z = 4.8192 / 1.192832 = 4.0401  -> warning
 * x5 = 13: r5 = 2.4752,  z = 1.8192 / 1.192832 = 1.5251  -> nothing
 * x5 = 4:  r5 = -6.5248, z = -7.1808 / 1.192832 = -6.0200 -> critical (a drop)
 */
const HISTORY = [10, 12, 10, 12, 10];
const STD = Math.sqrt(1.422848);

describe('EWMA baseline and residuals (hand-computed)', () => {
  it('follows b_i = 0.2 x_i + 0.8 b_{i-1}', () => {
    const b = ewmaBaseline(HISTORY, 0.2);
    [10, 10.4, 10.32, 10.656, 10.5248].forEach((v, i) => close(b[i]!, v));
    const r = residuals(HISTORY, 0.2);
    [2, -0.4, 1.68, -0.656].forEach((v, i) => close(r[i]!, v));
  });

  for (const [x5, residual, z, severity] of [
    [30, 19.4752, 18.8192 / STD, 'critical'],
    [16, 5.4752, 4.8192 / STD, 'warning'],
    [13, 2.4752, 1.8192 / STD, undefined],
    [4, -6.5248, -7.1808 / STD, 'critical'],
  ] as const) {
    it(`scores x5 = ${x5}: z = ${z.toFixed(4)} -> ${severity ?? 'nothing'}`, () => {
      const s = scoreLatest([...HISTORY, x5], O);
      assert.ok(s !== undefined);
      close(s.baseline, 10.5248);
      close(s.residual, residual);
      close(s.z, z);
      assert.equal(severityOfZ(s.z, O), severity);
    });
  }

  it('uses only the previous N residuals', () => {
    // 7 values = 6 residuals: the scored one has 5 previous residuals, of which N = 4 are used.
    const s = scoreLatest([1000, ...HISTORY, 30], { ...O, historyWindows: 4 });
    assert.equal(s?.historyUsed, 4);
  });

  it('raises nothing on a flat series (zero spread)', () => {
    assert.equal(scoreLatest([7, 7, 7, 7, 7, 7, 7], O), undefined);
    const out = detectEwma(
      'revenue',
      [7, 7, 7, 7, 7, 7, 7].map((value, i) => ({ windowStartMs: i * MIN, value })),
      O,
    );
    assert.deepEqual(out, { kind: 'skip', rule: 'ewma', metric: 'revenue', reason: 'short_or_flat_history' });
  });

  it('raises nothing on too short a history', () => {
    // 5 values = 4 residuals: the scored one has only 3 previous residuals < minHistoryWindows 4.
    assert.equal(scoreLatest([10, 12, 10, 12, 100], O), undefined);
    assert.equal(scoreLatest([10], O), undefined);
  });
});

describe('detectEwma rule', () => {
  const points = [...HISTORY, 30].map((value, i) => ({ windowStartMs: Date.UTC(2026, 0, 24, 13, i), value }));

  it('fires a critical with id parts, value, baseline and z', () => {
    const out = detectEwma('revenue', points, O);
    assert.equal(out.kind, 'fire');
    if (out.kind !== 'fire') return;
    assert.equal(out.alert.severity, 'critical');
    assert.equal(out.alert.windowStartMs, Date.UTC(2026, 0, 24, 13, 5));
    assert.equal(out.alert.value, 30);
    close(out.alert.baseline ?? NaN, 10.5248);
    close(out.alert.zScore ?? NaN, 18.8192 / STD);
  });

  it('reports ok when the scored window is normal', () => {
    const out = detectEwma(
      'revenue',
      [...points.slice(0, 5), { windowStartMs: points[5]!.windowStartMs, value: 13 }],
      O,
    );
    assert.equal(out.kind, 'ok');
  });

  it('skips a rate whose scored window has too small a denominator', () => {
    const rate = points.map((p, i) => ({ ...p, denominator: i === 5 ? 49 : 80 }));
    assert.deepEqual(detectEwma('purchase_conversion', rate, O, 50), {
      kind: 'skip',
      rule: 'ewma',
      metric: 'purchase_conversion',
      reason: 'denominator_too_small',
    });
    assert.equal(
      detectEwma(
        'purchase_conversion',
        rate.map((p) => ({ ...p, denominator: 50 })),
        O,
        50,
      ).kind,
      'fire',
    );
  });

  it('leaves low-denominator windows out of the history', () => {
    // Window 2 (value 10, 10 clicks) is dropped: series [10, 12, 12, 10, 30] has only 3 previous
    // residuals, below minHistoryWindows 4: nothing is raised.
    const rate = points.map((p, i) => ({ ...p, denominator: i === 2 ? 10 : 100 }));
    assert.equal(detectEwma('add_to_cart_rate', rate, O, 50).kind, 'skip');
  });
});

describe('cooldown', () => {
  const at = (minute: number, severity: AlertCandidate['severity']): AlertCandidate => ({
    rule: 'ewma',
    metric: 'revenue',
    windowStartMs: minute * MIN,
    severity,
    value: 1,
    baseline: 1,
    zScore: 3,
    message: '',
    details: {},
  });
  it('suppresses a warning within the cooldown, never a critical', () => {
    assert.equal(passesCooldown(at(14, 'warning'), 10 * MIN, 10 * MIN), false);
    assert.equal(passesCooldown(at(20, 'warning'), 10 * MIN, 10 * MIN), true);
    assert.equal(passesCooldown(at(11, 'critical'), 10 * MIN, 10 * MIN), true);
    assert.equal(passesCooldown(at(11, 'warning'), undefined, 10 * MIN), true);
  });
});
