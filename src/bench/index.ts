export {
  DEFAULT_BENCH_OPTIONS,
  SCENARIO_NAMES,
  parseScenarioList,
  type BenchOptions,
  type ScenarioName,
} from './bench-options.js';
export type {
  BenchFigure,
  BenchScenario,
  ScenarioContext,
  ScenarioOutcome,
  ScenarioResult,
} from './bench-result.js';
export type { BenchReport } from './bench-report.js';
export { renderBenchTable } from './bench-table.js';
export { runBench, type RunBenchDeps } from './bench-runner.js';
export { scenarioCatalog } from './scenario-catalog.js';
