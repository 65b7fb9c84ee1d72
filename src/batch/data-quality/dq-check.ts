export type DqCategory = 'completeness' | 'uniqueness' | 'validity' | 'freshness' | 'volume' | 'consistency';

/** One check's verdict. A skipped check (no data to judge) passes with weight 0. */
export interface DqCheckResult {
  readonly name: string;
  readonly category: DqCategory;
  readonly passed: boolean;
  readonly observed: number | null;
  readonly threshold: number | null;
  readonly weight: number;
  readonly message: string;
  readonly details: Record<string, unknown>;
}

export interface DqOptions {
  readonly lookbackHours: number;
  readonly maxNullPct: number;
  readonly maxQuarantinePct: number;
  readonly freshnessMaxMinutes: number;
  readonly volumeMaxChangePct: number;
}

export const skipped = (name: string, category: DqCategory, why: string): DqCheckResult => ({
  name,
  category,
  passed: true,
  observed: null,
  threshold: null,
  weight: 0,
  message: `skipped: ${why}`,
  details: {},
});

/** score = 100 * (sum of weights of passed checks) / (sum of all weights); 100 when nothing is weighed. */
export function scoreOf(checks: readonly DqCheckResult[]): number {
  const total = checks.reduce((s, c) => s + c.weight, 0);
  if (total === 0) return 100;
  return (100 * checks.filter((c) => c.passed).reduce((s, c) => s + c.weight, 0)) / total;
}
