import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bgNbdLogLikelihood, expectedPurchases, fitBgNbd, probabilityAlive } from './bg-nbd.js';
import { expectedSpend, fitGammaGamma } from './gamma-gamma.js';
import { logHyp2f1 } from './hypergeometric-2f1.js';
import { logGamma } from './log-gamma.js';
import { predictCustomer } from './customer-lifetime-value.js';
import { simulateBgNbd } from './testing/simulate-bg-nbd.js';

const FHL = { r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 };
const close = (actual: number, expected: number, relTol: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= relTol * Math.abs(expected), `${what}: ${actual} vs ${expected}`);

describe('BG/NBD and Gamma-Gamma closed forms (the worked example of FHL 2005 and Hardie note 025)', () => {
  const c = { frequency: 2, recency: 30.43, T: 38.86, monetary: 20 };

  it('E[purchases in 39 weeks] = 1.226 and P(alive) = 0.727 for x = 2, t_x = 30.43, T = 38.86', () => {
    assert.equal(expectedPurchases(FHL, c, 39).toFixed(3), '1.226');
    assert.equal(probabilityAlive(FHL, c).toFixed(3), '0.727');
  });

  it('E[spend] = 22.74 with p = 6.25, q = 3.74, v = 15.45, x = 2, mean repeat value 20', () => {
    assert.equal(expectedSpend({ p: 6.25, q: 3.74, v: 15.45 }, c).toFixed(2), '22.74');
    // x = 0: the population mean v p / (q - 1)
    close(
      expectedSpend({ p: 6.25, q: 3.74, v: 15.45 }, { ...c, frequency: 0 }),
      (15.45 * 6.25) / 2.74,
      1e-12,
      'mean',
    );
  });
});

describe('numerics', () => {
  it('ln Γ is exact to ~1e-14 at known points and finite at the extremes', () => {
    close(logGamma(0.5), Math.log(Math.sqrt(Math.PI)), 1e-14, 'lnΓ(1/2)');
    close(logGamma(21), Math.log(2432902008176640000), 1e-14, 'lnΓ(21)');
    close(logGamma(1e-8), -Math.log(1e-8) - 0.5772156649 * 1e-8, 1e-9, 'lnΓ(1e-8)');
    assert.ok(Number.isFinite(logGamma(1e300)));
  });

  it('ln ₂F₁ matches closed forms, also near z = 1 and where ₂F₁ exceeds the float range', () => {
    for (const z of [0.1, 0.5, 0.9, 0.999])
      close(logHyp2f1(1, 1, 2, z), Math.log(-Math.log1p(-z) / z), 1e-12, `z=${z}`);
    // ₂F₁(a, b; b; z) = (1 - z)^-a, with c - a - b < 0: the Euler branch
    close(logHyp2f1(300, 3, 3, 0.99), -300 * Math.log(0.01), 1e-10, 'huge');
    assert.ok(Number.isFinite(logHyp2f1(800.2, 802.4, 801.2, 0.999)));
  });

  it('no NaN for one-order customers, enormous T or enormous frequency', () => {
    const cases = [
      { frequency: 0, recency: 0, T: 0, monetary: 0 },
      { frequency: 0, recency: 0, T: 1e12, monetary: 0 },
      { frequency: 3, recency: 2, T: 1e12, monetary: 10 },
      { frequency: 2000, recency: 999, T: 1000, monetary: 10 },
    ];
    for (const c of cases) {
      const p = predictCustomer(FHL, { p: 6.25, q: 3.74, v: 15.45 }, c, {
        horizonMonths: 12,
        monthlyDiscountRate: 0.01,
        purchasesHorizonDays: 90,
      });
      for (const [k, v] of Object.entries(p))
        assert.ok(Number.isFinite(v) && v >= 0, `${k}=${v} for ${JSON.stringify(c)}`);
    }
    assert.ok(probabilityAlive(FHL, { frequency: 3, recency: 2, T: 1e12, monetary: 0 }) < 1e-30);
  });
});

describe('maximum-likelihood fits', () => {
  const truth = { r: 0.6, alpha: 20, a: 0.8, b: 3 };
  const data = simulateBgNbd(truth, 20_000, { minT: 30, maxT: 400 }, 7);

  it('BG/NBD recovers the parameters of simulated customers and converges to a maximum', () => {
    const { params, fit } = fitBgNbd(data);
    assert.ok(fit.converged, 'converged');
    close(params.r, truth.r, 0.15, 'r');
    close(params.alpha, truth.alpha, 0.2, 'alpha');
    close(params.a, truth.a, 0.3, 'a');
    close(params.b, truth.b, 0.4, 'b');
    close(fit.logLikelihood, bgNbdLogLikelihood(params, data), 1e-12, 'stored log-likelihood');
    for (const k of ['r', 'alpha', 'a', 'b'] as const)
      for (const f of [0.99, 1.01])
        assert.ok(
          bgNbdLogLikelihood({ ...params, [k]: params[k] * f }, data) < fit.logLikelihood,
          `max in ${k}`,
        );
  });

  it('Gamma-Gamma recovers p, q, v = (6, 4, 15) on the repeat customers', () => {
    const { params, fit } = fitGammaGamma(data);
    assert.ok(fit.converged && fit.customers > 1000, `${fit.customers} repeat customers`);
    close(params.p, 6, 0.25, 'p');
    close(params.q, 4, 0.3, 'q');
    close(params.v, 15, 0.4, 'v');
  });

  it('fits 100k customers in seconds', () => {
    const big = simulateBgNbd(truth, 100_000, { minT: 1, maxT: 730 }, 11);
    const { fit } = fitBgNbd(big);
    const gg = fitGammaGamma(big);
    console.log(
      `# 100k customers: BG/NBD ${fit.elapsedMs.toFixed(0)} ms (${fit.iterations} iterations), Gamma-Gamma ${gg.fit.elapsedMs.toFixed(0)} ms on ${gg.fit.customers}`,
    );
    assert.ok(fit.converged && gg.fit.converged);
    assert.ok(fit.elapsedMs + gg.fit.elapsedMs < 20_000, 'under 20 s even on a busy CI machine');
  });
});
