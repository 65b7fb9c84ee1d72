/**
 * Nelder-Mead minimisation (Lagarias et al. 1998 coefficients: reflection 1, expansion 2,
 * contraction 0.5, shrink 0.5) over an unconstrained vector; the models pass log-parameters, so
 * every point maps to positive parameters (the bound is in the parametrisation, never clipped).
 * A non-finite objective value counts as +∞ (that vertex is simply worse), so a step into a region
 * where the likelihood overflows never poisons the simplex.
 *
 * Converged when, over the simplex, the spread of the values is at most `fTol` (absolute) and
 * every coordinate is within `xTol` of the best vertex. The search is restarted from the best
 * point with a fresh simplex until a restart no longer improves the value by more than `fTol`
 * (a collapsed simplex is Nelder-Mead's known failure; a restart is the standard cure).
 */
export interface MinimizeOptions {
  readonly initialStep?: number;
  readonly fTol?: number;
  readonly xTol?: number;
  readonly maxIterations?: number;
  readonly maxRestarts?: number;
}

export interface MinimizeResult {
  readonly x: readonly number[];
  readonly value: number;
  readonly iterations: number;
  readonly evaluations: number;
  readonly converged: boolean;
}

type Vertex = { x: number[]; f: number };

export function minimizeNelderMead(
  objective: (x: readonly number[]) => number,
  start: readonly number[],
  options: MinimizeOptions = {},
): MinimizeResult {
  const o = { initialStep: 0.5, fTol: 1e-10, xTol: 1e-7, maxIterations: 20_000, maxRestarts: 10, ...options };
  let evaluations = 0;
  const f = (x: number[]): number => {
    evaluations++;
    const v = objective(x);
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };
  let best: Vertex = { x: [...start], f: f([...start]) };
  let iterations = 0;
  let converged = false;
  for (let restart = 0; restart <= o.maxRestarts; restart++) {
    const run = searchFrom(best.x, f, o, o.maxIterations - iterations);
    iterations += run.iterations;
    const improved = best.f - run.best.f;
    if (run.best.f <= best.f) best = run.best;
    converged = run.converged;
    if (!run.converged || (restart > 0 && !(improved > o.fTol))) break;
  }
  return { x: best.x, value: best.f, iterations, evaluations, converged };
}

function searchFrom(
  start: readonly number[],
  f: (x: number[]) => number,
  o: Required<MinimizeOptions>,
  budget: number,
): { best: Vertex; iterations: number; converged: boolean } {
  const n = start.length;
  const simplex: Vertex[] = [{ x: [...start], f: f([...start]) }];
  for (let i = 0; i < n; i++) {
    const x = [...start];
    x[i] = x[i]! + o.initialStep;
    simplex.push({ x, f: f(x) });
  }
  for (let it = 0; it < budget; it++) {
    simplex.sort((p, q) => p.f - q.f);
    if (isConverged(simplex, o)) return { best: simplex[0]!, iterations: it, converged: true };
    step(simplex, f);
  }
  simplex.sort((p, q) => p.f - q.f);
  return { best: simplex[0]!, iterations: budget, converged: false };
}

function isConverged(simplex: readonly Vertex[], o: Required<MinimizeOptions>): boolean {
  const best = simplex[0]!;
  const worst = simplex[simplex.length - 1]!;
  if (!(worst.f - best.f <= o.fTol)) return false;
  return simplex.every((v) => v.x.every((xi, i) => Math.abs(xi - best.x[i]!) <= o.xTol));
}

const along = (from: readonly number[], to: readonly number[], t: number): number[] =>
  from.map((fi, i) => fi + t * (to[i]! - fi));

/** One Nelder-Mead step on a sorted simplex (best first): reflect, expand, contract or shrink. */
function step(simplex: Vertex[], f: (x: number[]) => number): void {
  const n = simplex.length - 1;
  const worst = simplex[n]!;
  const centroid = simplex[0]!.x.map((_, i) => simplex.slice(0, n).reduce((s, v) => s + v.x[i]!, 0) / n);
  const reflected = along(centroid, worst.x, -1);
  const fr = f(reflected);
  if (fr < simplex[0]!.f) {
    const expanded = along(centroid, worst.x, -2);
    const fe = f(expanded);
    simplex[n] = fe < fr ? { x: expanded, f: fe } : { x: reflected, f: fr };
    return;
  }
  if (fr < simplex[n - 1]!.f) {
    simplex[n] = { x: reflected, f: fr };
    return;
  }
  const outside = fr < worst.f;
  const contracted = outside ? along(centroid, reflected, 0.5) : along(centroid, worst.x, 0.5);
  const fc = f(contracted);
  if (fc < (outside ? fr : worst.f)) {
    simplex[n] = { x: contracted, f: fc };
    return;
  }
  const best = simplex[0]!;
  for (let i = 1; i <= n; i++) {
    const x = along(best.x, simplex[i]!.x, 0.5);
    simplex[i] = { x, f: f(x) };
  }
}
