import type { BgNbdParams } from '../bg-nbd.js';
import type { PurchaseSummary } from '../purchase-summary.js';

/** mulberry32: a small seeded uniform generator on (0, 1). */
function uniform(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
}

function normal(u: () => number): number {
  return Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

/** Gamma(shape, 1) by Marsaglia & Tsang (2000), with the shape < 1 boost. */
function gamma(u: () => number, shape: number): number {
  if (shape < 1) return gamma(u, shape + 1) * u() ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = normal(u);
    const v = (1 + c * x) ** 3;
    if (v > 0 && Math.log(u()) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

/**
 * Customers drawn from the BG/NBD process itself (FHL 2005 §3): λ ~ Gamma(r, α), p ~ Beta(a, b);
 * purchases at Poisson(λ) times after the first (at 0); after each repeat purchase the customer
 * drops out with probability p. Each customer's age T is uniform on [minT, maxT]. Values: each
 * repeat purchase is Gamma(p=6, ν) with ν ~ Gamma(q=4, γ=15) per customer (a Gamma-Gamma world).
 */
export function simulateBgNbd(
  params: BgNbdParams,
  customers: number,
  ages: { readonly minT: number; readonly maxT: number },
  seed = 1,
): PurchaseSummary[] {
  const u = uniform(seed);
  const out: PurchaseSummary[] = [];
  for (let i = 0; i < customers; i++) {
    const T = Math.round(ages.minT + (ages.maxT - ages.minT) * u());
    const lambda = gamma(u, params.r) / params.alpha;
    const ga = gamma(u, params.a);
    const p = ga / (ga + gamma(u, params.b));
    const nu = gamma(u, 4) / 15;
    let t = 0;
    const days = new Set<number>();
    for (;;) {
      t += -Math.log(u()) / lambda;
      if (!(t <= T)) break;
      days.add(Math.floor(t));
      if (u() < p) break;
    }
    days.delete(0);
    const x = days.size;
    const last = Math.max(0, ...days);
    let spend = 0;
    for (let k = 0; k < x; k++) spend += gamma(u, 6) / nu;
    out.push({ frequency: x, recency: last, T, monetary: x === 0 ? 0 : spend / x });
  }
  return out;
}
