import { figure, rate, type BenchFigure } from '../bench-result.js';
import { ENGINES, type EngineName, type EngineOutcome } from './engine-outcome.js';
import type { EngineRun } from './engine-runs.js';
import { compareKpis, compareReasons, type KpiMismatch } from './kpi-comparison.js';

/** What the three engines agree on, and where they differ. */
export interface PeersAgreement {
  /** KPI values of a peer (or a later round) that differ from shopstream's first round. */
  readonly kpiMismatches: readonly (KpiMismatch & { engine: EngineName; round: number })[];
  /** Records, Silver rows, quarantined rows or duplicates that differ from shopstream's. */
  readonly accountingMismatches: readonly string[];
  /** Reason codes counted differently (documented rule differences): engine -> code -> [shopstream, peer]. */
  readonly reasonDifferences: Readonly<Record<string, Record<string, [number, number]>>>;
  readonly kpiWindows: number;
  readonly accounting: Readonly<Record<EngineName, Omit<EngineOutcome, 'kpis' | 'jobS'>>>;
}

const ACCOUNTING = ['records', 'silver', 'quarantine', 'duplicates', 'late'] as const;

/**
 * Every run against shopstream's first: KPIs per window (exact counts, revenue to the cent),
 * accounting totals exactly. Reason codes are compared too, but a difference there is reported,
 * not failed: some rules cannot be expressed the same way in SQL (docs/benchmarks.md).
 */
export function peersAgreement(runs: readonly EngineRun[]): PeersAgreement {
  const reference = runs.find((r) => r.engine === 'shopstream')!.outcome;
  const kpiMismatches = runs.flatMap((r) =>
    compareKpis(reference.kpis, r.outcome.kpis).map((m) => ({ ...m, engine: r.engine, round: r.round })),
  );
  const accountingMismatches = runs.flatMap((r) =>
    ACCOUNTING.filter((k) => r.outcome[k] !== reference[k]).map(
      (k) => `${r.engine} round ${r.round}: ${k} ${r.outcome[k]}, shopstream ${reference[k]}`,
    ),
  );
  const reasonDifferences: Record<string, Record<string, [number, number]>> = {};
  const accounting = {} as Record<EngineName, Omit<EngineOutcome, 'kpis' | 'jobS'>>;
  for (const engine of ENGINES) {
    const first = runs.find((r) => r.engine === engine)!.outcome;
    const diff = compareReasons(reference.reasons, first.reasons);
    if (Object.keys(diff).length > 0) reasonDifferences[engine] = diff;
    const { kpis: _kpis, jobS: _jobS, ...totals } = first;
    accounting[engine] = totals;
  }
  return {
    kpiMismatches,
    accountingMismatches,
    reasonDifferences,
    kpiWindows: reference.kpis.length,
    accounting,
  };
}

/** Median of each engine's figures over the rounds, and shopstream's ratios to each peer. */
export function peersFigures(runs: readonly EngineRun[]): BenchFigure[] {
  const stats = new Map(ENGINES.map((e) => [e, engineStats(runs.filter((r) => r.engine === e))]));
  const s = stats.get('shopstream')!;
  const figures: BenchFigure[] = [];
  for (const [engine, x] of stats) {
    figures.push(
      rate(`${engine}.events/s`, x.eventsPerSec),
      rate(`${engine}.jobEvents/s`, x.jobEventsPerSec),
      figure(`${engine}.events/cpu-s`, x.eventsPerCpuS, 'events/cpu-s'),
      figure(`${engine}.cpuS`, x.cpuS, 's'),
      figure(`${engine}.wallS`, x.wallS, 's'),
      figure(`${engine}.peakRss`, x.peakRssMiB, 'MiB'),
      figure(`${engine}.maxRssProcess`, x.maxRssProcessMiB, 'MiB'),
    );
  }
  for (const peer of ['spark', 'duckdb'] as const) {
    const p = stats.get(peer)!;
    figures.push(
      figure(`ratio.events/s.shopstream/${peer}`, s.eventsPerSec / p.eventsPerSec, 'count'),
      figure(`ratio.jobEvents/s.shopstream/${peer}`, s.jobEventsPerSec / p.jobEventsPerSec, 'count'),
      figure(`ratio.events/cpu-s.shopstream/${peer}`, s.eventsPerCpuS / p.eventsPerCpuS, 'count'),
      figure(`ratio.peakRss.shopstream/${peer}`, s.peakRssMiB / p.peakRssMiB, 'count'),
    );
  }
  return figures;
}

interface EngineStats {
  eventsPerSec: number;
  jobEventsPerSec: number;
  eventsPerCpuS: number;
  cpuS: number;
  wallS: number;
  peakRssMiB: number;
  maxRssProcessMiB: number;
}

/** Medians over the rounds: the rate of the median run, not a mean of rates. */
function engineStats(runs: readonly EngineRun[]): EngineStats {
  const records = runs[0]!.outcome.records;
  const wallS = median(runs.map((r) => r.usage.wallS));
  const jobS = median(runs.map((r) => r.outcome.jobS));
  const cpuS = median(runs.map((r) => r.usage.cpuS));
  return {
    eventsPerSec: records / wallS,
    jobEventsPerSec: records / jobS,
    eventsPerCpuS: records / cpuS,
    cpuS,
    wallS,
    peakRssMiB: median(runs.map((r) => r.usage.peakRssMiB)),
    maxRssProcessMiB: median(runs.map((r) => r.usage.maxRssProcessMiB)),
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
