import type { Config } from '../config/index.js';
import type { BenchOptions, ScenarioName } from './bench-options.js';

export type FigureUnit = 'events/s' | 'events/cpu-s' | 'ms' | 'MiB' | 's' | 'count' | '%';

/** One measured number. Rates (events/s) also carry their ratio to the ceiling. */
export interface BenchFigure {
  readonly name: string;
  readonly value: number;
  readonly unit: FigureUnit;
  /** value / ceiling events/s for rate figures; null for latencies, sizes and counts. */
  readonly ratioToCeiling?: number | null;
}

export type ScenarioOutcome =
  | {
      readonly status: 'ok';
      readonly figures: readonly BenchFigure[];
      readonly details?: Record<string, unknown>;
    }
  | { readonly status: 'skipped'; readonly reason: string };

export type ScenarioResult = {
  readonly scenario: ScenarioName;
  readonly elapsedMs: number;
} & (
  | {
      readonly status: 'ok';
      readonly figures: readonly BenchFigure[];
      readonly details: Record<string, unknown>;
    }
  | { readonly status: 'skipped' | 'failed'; readonly reason: string }
);

/** What a scenario receives: the sizes, the configuration (copied into a temp data dir), progress. */
export interface ScenarioContext {
  readonly options: BenchOptions;
  /** The effective configuration; scenarios never write under its dataDir. */
  readonly config: Readonly<Config>;
  /** A fresh temp folder for this scenario (removed by the runner). */
  readonly workDir: string;
  /** One progress line (stderr). */
  readonly progress: (message: string) => void;
}

export interface BenchScenario {
  readonly name: ScenarioName;
  readonly description: string;
  run(ctx: ScenarioContext): Promise<ScenarioOutcome>;
}

export const rate = (name: string, value: number): BenchFigure => ({
  name,
  value: Math.round(value),
  unit: 'events/s',
});
export const figure = (name: string, value: number, unit: FigureUnit): BenchFigure => ({
  name,
  value: Math.round(value * 100) / 100,
  unit,
});
