/**
 * ln ₂F₁(a, b; c; z) for 0 <= z < 1, c > 0, and a, b such that the series terms stay of one sign
 * after finitely many (the BG/NBD case: a = r + x, b = β + x, c = α_beta + β + x − 1, all > 0 but
 * possibly c < 1 − ...). Computed by the Gauss series summed with its terms' ratio
 *   t₀ = 1, t_{n+1} = t_n · (a + n)(b + n) / ((c + n)(n + 1)) · z
 * in a rescaled accumulator (the running sum is kept as mantissa × e^shift), so neither the terms
 * nor the sum overflow however large ₂F₁ grows near z = 1. When c − a − b < 0 (₂F₁ diverges like
 * (1 − z)^(c − a − b) at z → 1) Euler's transformation
 *   ₂F₁(a, b; c; z) = (1 − z)^(c − a − b) ₂F₁(c − a, c − b; c; z)
 * is applied first, so the series summed is bounded. Stops when a term is below 1e-16 of the sum,
 * or after `maxTerms` (then the partial sum is returned: the caller's precision, not a NaN).
 */
const REL_TOL = 1e-16;
const RESCALE_AT = 1e250;

export function logHyp2f1(a: number, b: number, c: number, z: number, maxTerms = 2_000_000): number {
  if (z === 0) return 0;
  if (c - a - b < 0) return (c - a - b) * Math.log1p(-z) + logSeries(c - a, c - b, c, z, maxTerms);
  return logSeries(a, b, c, z, maxTerms);
}

function logSeries(a: number, b: number, c: number, z: number, maxTerms: number): number {
  let term = 1;
  let sum = 1;
  let shift = 0; // the true term and sum are `term · e^shift` and `sum · e^shift`
  for (let n = 0; n < maxTerms; n++) {
    term *= (((a + n) * (b + n)) / ((c + n) * (n + 1))) * z;
    sum += term;
    if (Math.abs(term) <= REL_TOL * Math.abs(sum) && n > 2) break;
    if (Math.abs(sum) > RESCALE_AT) {
      shift += Math.log(Math.abs(sum));
      term /= Math.abs(sum);
      sum /= Math.abs(sum);
    }
  }
  return Math.log(sum) + shift;
}
