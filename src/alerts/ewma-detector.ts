import type { RuleOutcome, Severity } from './alert-types.js';

export interface EwmaOptions {
  /** Smoothing factor: b_i = alpha * x_i + (1 - alpha) * b_{i-1}, b_0 = x_0. */
  readonly alpha: number;
  /** N: the scored residual is compared with the previous N residuals. */
  readonly historyWindows: number;
  /** Fewer previous residuals than this: too short a history, nothing is raised. */
  readonly minHistoryWindows: number;
  readonly warningZ: number;
  readonly criticalZ: number;
}

export interface EwmaScore {
  /** The baseline before the scored value: b_{k-1}. */
  readonly baseline: number;
  /** r_k = x_k - b_{k-1}. */
  readonly residual: number;
  /** (r_k - mean(R)) / std(R), R = the previous min(N, k-1) residuals, population std. */
  readonly z: number;
  readonly historyUsed: number;
}

/** b_0 = x_0; b_i = alpha * x_i + (1 - alpha) * b_{i-1}. One baseline per value. */
export function ewmaBaseline(values: readonly number[], alpha: number): number[] {
  const out: number[] = [];
  for (const [i, x] of values.entries()) out.push(i === 0 ? x : alpha * x + (1 - alpha) * out[i - 1]!);
  return out;
}

/** r_i = x_i - b_{i-1} for i >= 1: how far each value lands from the baseline that predicted it. */
export function residuals(values: readonly number[], alpha: number): number[] {
  const b = ewmaBaseline(values, alpha);
  return values.slice(1).map((x, i) => x - b[i]!);
}

/**
 * Scores the LAST value of `values` (the caller passes the series ending at the window to score,
 * i.e. the second-latest window). Undefined when the history is too short or flat (std = 0).
 */
export function scoreLatest(values: readonly number[], o: EwmaOptions): EwmaScore | undefined {
  if (values.length < 2) return undefined;
  const r = residuals(values, o.alpha);
  const latest = r[r.length - 1]!;
  const history = r.slice(Math.max(0, r.length - 1 - o.historyWindows), r.length - 1);
  if (history.length < o.minHistoryWindows) return undefined;
  const mean = history.reduce((s, v) => s + v, 0) / history.length;
  const variance = history.reduce((s, v) => s + (v - mean) ** 2, 0) / history.length;
  const std = Math.sqrt(variance);
  if (!(std > 1e-12 * Math.max(1, Math.abs(mean)))) return undefined;
  const baseline = ewmaBaseline(values.slice(0, -1), o.alpha).at(-1)!;
  return { baseline, residual: latest, z: (latest - mean) / std, historyUsed: history.length };
}

/** critical when |z| >= criticalZ, warning when |z| >= warningZ, else undefined. */
export function severityOfZ(z: number, o: Pick<EwmaOptions, 'warningZ' | 'criticalZ'>): Severity | undefined {
  const a = Math.abs(z);
  if (a >= o.criticalZ) return 'critical';
  if (a >= o.warningZ) return 'warning';
  return undefined;
}

export interface SeriesPoint {
  readonly windowStartMs: number;
  readonly value: number;
  /** The rate's denominator in this window (clicks or carts); undefined for non-rate metrics. */
  readonly denominator?: number;
}

/**
 * The `ewma` rule for one metric. `points` are consecutive windows, oldest first, ending with the
 * window to score. For rate metrics (`minDenominator` set), windows whose denominator is below it
 * are left out of the series, and a scored window below it is skipped.
 */
export function detectEwma(
  metric: string,
  points: readonly SeriesPoint[],
  o: EwmaOptions,
  minDenominator?: number,
): RuleOutcome {
  const scored = points.at(-1);
  if (scored === undefined) return { kind: 'skip', rule: 'ewma', metric, reason: 'no_data' };
  const guarded =
    minDenominator === undefined ? points : points.filter((p) => (p.denominator ?? 0) >= minDenominator);
  if (guarded.at(-1) !== scored)
    return { kind: 'skip', rule: 'ewma', metric, reason: 'denominator_too_small' };
  const score = scoreLatest(
    guarded.map((p) => p.value),
    o,
  );
  if (score === undefined) return { kind: 'skip', rule: 'ewma', metric, reason: 'short_or_flat_history' };
  const severity = severityOfZ(score.z, o);
  if (severity === undefined)
    return { kind: 'ok', rule: 'ewma', metric, windowStartMs: scored.windowStartMs };
  const direction = score.residual > 0 ? 'above' : 'below';
  return {
    kind: 'fire',
    alert: {
      rule: 'ewma',
      metric,
      windowStartMs: scored.windowStartMs,
      severity,
      value: scored.value,
      baseline: score.baseline,
      zScore: score.z,
      message: `${metric} = ${round(scored.value)} is ${direction} its baseline ${round(score.baseline)} (z = ${round(score.z)})`,
      details: {
        residual: score.residual,
        historyWindows: score.historyUsed,
        denominator: scored.denominator ?? null,
      },
    },
  };
}

const round = (v: number) => Math.round(v * 1000) / 1000;
