import { logGamma } from './log-gamma.js';
import { logHyp2f1 } from './hypergeometric-2f1.js';
import { minimizeNelderMead } from './nelder-mead.js';
import type { PurchaseSummary } from './purchase-summary.js';

/** BG/NBD parameters: purchase rate λ ~ Gamma(r, α); dropout p ~ Beta(a, b). Time in days. */
export interface BgNbdParams {
  readonly r: number;
  readonly alpha: number;
  readonly a: number;
  readonly b: number;
}

export interface FitDiagnostics {
  /** Σ log-likelihood over every customer at the optimum. */
  readonly logLikelihood: number;
  readonly iterations: number;
  readonly evaluations: number;
  readonly converged: boolean;
  readonly customers: number;
  readonly elapsedMs: number;
}

/**
 * (x, t_x, T) triples with their multiplicity: the likelihood is evaluated once per distinct one,
 * and ln(α + T), ln(α + t_x) once per distinct T and t_x (daily data has few: ages in days).
 */
interface Grouped {
  readonly x: Float64Array;
  readonly weight: Float64Array;
  readonly distinctX: Float64Array;
  readonly xIndex: Int32Array;
  readonly distinctT: Float64Array;
  readonly tIndex: Int32Array;
  readonly distinctTx: Float64Array;
  readonly txIndex: Int32Array;
}

function indexOf(values: readonly number[]): { distinct: Float64Array; index: Int32Array } {
  const distinct = [...new Set(values)].sort((p, q) => p - q);
  const pos = new Map(distinct.map((v, i) => [v, i]));
  return { distinct: Float64Array.from(distinct), index: Int32Array.from(values.map((v) => pos.get(v)!)) };
}

function group(rows: readonly PurchaseSummary[], scale: number): Grouped {
  const byKey = new Map<string, number>();
  const x: number[] = [];
  const tx: number[] = [];
  const T: number[] = [];
  const weight: number[] = [];
  for (const c of rows) {
    const key = `${c.frequency}|${c.recency}|${c.T}`;
    const at = byKey.get(key);
    if (at !== undefined) weight[at]! += 1;
    else {
      byKey.set(key, x.length);
      x.push(c.frequency);
      tx.push(c.recency * scale);
      T.push(c.T * scale);
      weight.push(1);
    }
  }
  const xs = indexOf(x);
  const ts = indexOf(T);
  const txs = indexOf(tx);
  return {
    x: Float64Array.from(x),
    weight: Float64Array.from(weight),
    distinctX: xs.distinct,
    xIndex: xs.index,
    distinctT: ts.distinct,
    tIndex: ts.index,
    distinctTx: txs.distinct,
    txIndex: txs.index,
  };
}

/**
 * Σ log L over the grouped customers (FHL 2005 eq. 6, in the log-sum-exp form of Hardie's note 004):
 *   ln L = A₁ + A₂ + ln(e^{A₃} + [x > 0] e^{A₄})
 *   A₁ = ln Γ(r + x) − ln Γ(r) + r ln α,   A₂ = ln Γ(a + b) + ln Γ(b + x) − ln Γ(b) − ln Γ(a + b + x)
 *   A₃ = −(r + x) ln(α + T),               A₄ = ln a − ln(b + x − 1) − (r + x) ln(α + t_x)
 * A₁, A₂ and ln(b + x − 1) depend on x only and are computed once per distinct frequency.
 */
function logLikelihood(p: BgNbdParams, g: Grouped): number {
  const { r, alpha, a, b } = p;
  const lgR = logGamma(r);
  const lgAB = logGamma(a + b);
  const lgB = logGamma(b);
  const rLogAlpha = r * Math.log(alpha);
  const logA = Math.log(a);
  const perX = g.distinctX.map(
    (x) => logGamma(r + x) - lgR + rLogAlpha + lgAB + logGamma(b + x) - lgB - logGamma(a + b + x),
  );
  const a4Base = g.distinctX.map((x) => (x > 0 ? logA - Math.log(b + x - 1) : 0));
  const logT = g.distinctT.map((t) => Math.log(alpha + t));
  const logTx = g.distinctTx.map((t) => Math.log(alpha + t));
  let total = 0;
  for (let i = 0; i < g.x.length; i++) {
    const x = g.x[i]!;
    const xi = g.xIndex[i]!;
    const a3 = -(r + x) * logT[g.tIndex[i]!]!;
    let tail = a3;
    if (x > 0) {
      const a4 = a4Base[xi]! - (r + x) * logTx[g.txIndex[i]!]!;
      tail = a3 > a4 ? a3 + Math.log1p(Math.exp(a4 - a3)) : a4 + Math.log1p(Math.exp(a3 - a4));
    }
    total += g.weight[i]! * (perX[xi]! + tail);
  }
  return total;
}

const fromLog = (v: readonly number[]): BgNbdParams => ({
  r: Math.exp(v[0]!),
  alpha: Math.exp(v[1]!),
  a: Math.exp(v[2]!),
  b: Math.exp(v[3]!),
});

/**
 * Maximum-likelihood fit of BG/NBD on the customers' (x, t_x, T). Times are rescaled so the
 * largest T is 10 (as `lifetimes` does; α is scaled back), the search runs on ln(r, α, a, b), so
 * every parameter stays positive, and the objective is the mean negative log-likelihood.
 */
export function fitBgNbd(rows: readonly PurchaseSummary[]): { params: BgNbdParams; fit: FitDiagnostics } {
  const started = performance.now();
  const maxT = rows.reduce((m, c) => Math.max(m, c.T), 0);
  const scale = maxT > 0 ? 10 / maxT : 1;
  const g = group(rows, scale);
  const n = rows.length;
  const result = minimizeNelderMead((v) => -logLikelihood(fromLog(v), g) / n, [0, 0, 0, 0]);
  const scaled = fromLog(result.x);
  const params = { ...scaled, alpha: scaled.alpha / scale };
  return {
    params,
    fit: {
      logLikelihood: logLikelihood(params, group(rows, 1)),
      iterations: result.iterations,
      evaluations: result.evaluations,
      converged: result.converged,
      customers: n,
      elapsedMs: performance.now() - started,
    },
  };
}

/** Σ log-likelihood of `rows` at `params` (unscaled days). */
export function bgNbdLogLikelihood(params: BgNbdParams, rows: readonly PurchaseSummary[]): number {
  return logLikelihood(params, group(rows, 1));
}

/**
 * P(alive | x, t_x, T) (FHL 2005 eq. 12): 1 for x = 0, else
 *   1 / (1 + a/(b + x − 1) · ((α + T)/(α + t_x))^(r + x)),
 * computed as a logistic of the log-ratio so huge T gives 0, never NaN.
 */
export function probabilityAlive(p: BgNbdParams, c: PurchaseSummary): number {
  if (c.frequency === 0) return 1;
  const x = c.frequency;
  const logRatio =
    (p.r + x) * Math.log((p.alpha + c.T) / (p.alpha + c.recency)) + Math.log(p.a / (p.b + x - 1));
  return 1 / (1 + Math.exp(logRatio));
}

/**
 * E[X(T, T + t) | x, t_x, T]: expected purchases in the next t days (FHL 2005 eq. 10):
 *   (a + b + x − 1)/(a − 1) · [1 − ((α + T)/(α + T + t))^(r + x) ₂F₁(r + x, b + x; a + b + x − 1; t/(α + T + t))]
 *   ÷ (1 + [x > 0] a/(b + x − 1) · ((α + T)/(α + t_x))^(r + x))
 * with ₂F₁ in logs (hypergeometric-2f1.ts) and the denominator as 1 / P(alive). At a = 1 the first
 * factor's pole cancels the bracket's zero; a is nudged by 1e-9 there (the limit, to ~1e-8).
 */
export function expectedPurchases(p: BgNbdParams, c: PurchaseSummary, t: number): number {
  if (t <= 0) return 0;
  const x = c.frequency;
  const a = Math.abs(p.a - 1) < 1e-9 ? 1 + 1e-9 : p.a;
  const z = t / (p.alpha + c.T + t);
  const logHyp = logHyp2f1(p.r + x, p.b + x, a + p.b + x - 1, z);
  const bracket = -Math.expm1(logHyp + (p.r + x) * Math.log((p.alpha + c.T) / (p.alpha + c.T + t)));
  const first = (a + p.b + x - 1) / (a - 1);
  return first * bracket * probabilityAlive({ ...p, a }, c);
}
