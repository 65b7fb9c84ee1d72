import type { GitInfo, MachineInfo } from './machine-info.js';
import type { BenchOptions } from './bench-options.js';
import type { BenchFigure, ScenarioResult } from './bench-result.js';

/** The JSON written to `<resultsDir>/<timestamp>.json`. */
export interface BenchReport {
  readonly schemaVersion: 1;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly elapsedMs: number;
  readonly machine: MachineInfo;
  /** Load averages when the run ended (compare with machine.loadAverage). */
  readonly loadAverageAtEnd: readonly number[];
  readonly git: GitInfo;
  readonly options: BenchOptions;
  /** The ceiling's events/s every ratioToCeiling divides by; null when the ceiling failed. */
  readonly ceilingEventsPerSec: number | null;
  readonly scenarios: readonly ScenarioResult[];
}

/** Adds ratioToCeiling to every figure: value / ceiling for events/s figures, null otherwise. */
export function withCeilingRatios(
  results: readonly ScenarioResult[],
  ceiling: number | null,
): ScenarioResult[] {
  return results.map((r) => {
    if (r.status !== 'ok') return r;
    const figures = r.figures.map((f): BenchFigure => ({ ...f, ratioToCeiling: ratio(f, ceiling) }));
    return { ...r, figures };
  });
}

function ratio(f: BenchFigure, ceiling: number | null): number | null {
  if (ceiling === null || ceiling <= 0 || f.unit !== 'events/s') return null;
  return Math.round((f.value / ceiling) * 10_000) / 10_000;
}

/** The ceiling's events/s, when it ran. */
export function ceilingOf(results: readonly ScenarioResult[]): number | null {
  const c = results.find((r) => r.scenario === 'ceiling');
  if (c === undefined || c.status !== 'ok') return null;
  return c.figures.find((f) => f.name === 'events/s')?.value ?? null;
}
