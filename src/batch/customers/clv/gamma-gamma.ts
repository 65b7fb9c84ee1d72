import { logGamma } from './log-gamma.js';
import { minimizeNelderMead } from './nelder-mead.js';
import type { FitDiagnostics } from './bg-nbd.js';
import type { PurchaseSummary } from './purchase-summary.js';

/**
 * Gamma-Gamma spend model (Fader, Hardie & Lee 2005b; Hardie's note 025): a transaction's value is
 * Gamma(p, ν), the customer's ν ~ Gamma(q, γ). Fitted on repeat customers (x > 0) with a positive
 * mean repeat value m.
 */
export interface GammaGammaParams {
  readonly p: number;
  readonly q: number;
  readonly v: number;
}

/** The customers the Gamma-Gamma model is fitted on: x > 0 and m > 0. */
export const fitsGammaGamma = (c: PurchaseSummary): boolean => c.frequency > 0 && c.monetary > 0;

interface Prepared {
  readonly distinctX: Float64Array;
  readonly xIndex: Int32Array;
  readonly x: Float64Array;
  readonly m: Float64Array;
  readonly logM: Float64Array;
  readonly logX: Float64Array;
}

function prepare(used: readonly PurchaseSummary[]): Prepared {
  const distinct = [...new Set(used.map((c) => c.frequency))].sort((p, q) => p - q);
  const pos = new Map(distinct.map((v, i) => [v, i]));
  return {
    distinctX: Float64Array.from(distinct),
    xIndex: Int32Array.from(used.map((c) => pos.get(c.frequency)!)),
    x: Float64Array.from(used.map((c) => c.frequency)),
    m: Float64Array.from(used.map((c) => c.monetary)),
    logM: Float64Array.from(used.map((c) => Math.log(c.monetary))),
    logX: Float64Array.from(used.map((c) => Math.log(c.frequency))),
  };
}

/**
 * Σ ln L over customers with x repeat days of mean value m (note 025, eq. 3, the m-density):
 *   ln Γ(px + q) − ln Γ(px) − ln Γ(q) + q ln v + (px − 1) ln m + px ln x − (px + q) ln(xm + v)
 * the ln Γ terms once per distinct x; one logarithm per customer.
 */
function logLikelihood(g: GammaGammaParams, d: Prepared): number {
  const lgQ = logGamma(g.q);
  const qLogV = g.q * Math.log(g.v);
  const perX = d.distinctX.map((x) => logGamma(g.p * x + g.q) - logGamma(g.p * x) - lgQ + qLogV);
  let total = 0;
  for (let i = 0; i < d.x.length; i++) {
    const x = d.x[i]!;
    const px = g.p * x;
    total +=
      perX[d.xIndex[i]!]! +
      (px - 1) * d.logM[i]! +
      px * d.logX[i]! -
      (px + g.q) * Math.log(x * d.m[i]! + g.v);
  }
  return total;
}

/**
 * Maximum-likelihood fit over ln(p, q, v) (Nelder-Mead), so the parameters stay positive; the
 * objective is the mean negative log-likelihood of the repeat customers.
 */
export function fitGammaGamma(rows: readonly PurchaseSummary[]): {
  params: GammaGammaParams;
  fit: FitDiagnostics;
} {
  const started = performance.now();
  const used = rows.filter(fitsGammaGamma);
  const data = prepare(used);
  const ll = (g: GammaGammaParams): number => logLikelihood(g, data);
  const fromLog = (v: readonly number[]): GammaGammaParams => ({
    p: Math.exp(v[0]!),
    q: Math.exp(v[1]!),
    v: Math.exp(v[2]!),
  });
  const meanM = used.reduce((s, c) => s + c.monetary, 0) / Math.max(1, used.length);
  const start = [0, 0, Math.log(Math.max(meanM, 1e-6))];
  const result = minimizeNelderMead((v) => -ll(fromLog(v)) / Math.max(1, used.length), start);
  const params = fromLog(result.x);
  return {
    params,
    fit: {
      logLikelihood: ll(params),
      iterations: result.iterations,
      evaluations: result.evaluations,
      converged: result.converged && used.length > 0,
      customers: used.length,
      elapsedMs: performance.now() - started,
    },
  };
}

/**
 * E[M | p, q, v, x, m]: the expected value of the customer's future transactions (note 025 eq. 5):
 *   (q − 1)/(px + q − 1) · vp/(q − 1) + px/(px + q − 1) · m  =  p(v + x m) / (px + q − 1),
 * a weighted mean of the population mean vp/(q − 1) and the customer's m. For x = 0 (or m <= 0,
 * customers the model was not fitted on) it is the population mean. Needs q > 1 (else the
 * population mean is infinite): returns m there, or 0 for a customer without repeat spend.
 */
export function expectedSpend(g: GammaGammaParams, c: PurchaseSummary): number {
  const x = fitsGammaGamma(c) ? c.frequency : 0;
  const m = x > 0 ? c.monetary : 0;
  if (!(g.q > 1)) return m;
  return (g.p * (g.v + x * m)) / (g.p * x + g.q - 1);
}
