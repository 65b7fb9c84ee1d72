import { KPI_METRICS, type KpiMetric } from '../../contract/kpi-metrics.js';

export const ENGINES = ['shopstream', 'spark', 'duckdb'] as const;
export type EngineName = (typeof ENGINES)[number];

/** The ten KPIs of one 1-minute event-time window (UTC). */
export type KpiWindow = { readonly windowStartMs: number } & Readonly<Record<KpiMetric, number>>;

/** What one engine produced from the NDJSON file: accounting, quarantine reasons, Gold KPIs. */
export interface EngineOutcome {
  readonly records: number;
  readonly silver: number;
  readonly quarantine: number;
  /** Valid records not in Silver: duplicates (and, for Spark, rows its watermark dropped). */
  readonly duplicates: number;
  readonly late: number;
  /** comma-joined reason codes -> records */
  readonly reasons: Readonly<Record<string, number>>;
  readonly kpis: readonly KpiWindow[];
  /** The engine's own time for the job (process and JVM start-up excluded). */
  readonly jobS: number;
}

/** result.json of scripts/peers/{spark,duckdb}_job.py. */
interface PeerResultJson {
  records: number;
  silver: number;
  quarantine: number;
  duplicates: number;
  late: number;
  reasons: Record<string, number>;
  kpis: ({ window_start_ms: number } & Record<KpiMetric, number>)[];
  job_s: number;
}

export function outcomeOfPeerResult(json: string): EngineOutcome {
  const r = JSON.parse(json) as PeerResultJson;
  return {
    records: r.records,
    silver: r.silver,
    quarantine: r.quarantine,
    duplicates: r.duplicates,
    late: r.late,
    reasons: r.reasons,
    kpis: r.kpis.map((k) => kpiWindow(k.window_start_ms, (m) => k[m])),
    jobS: r.job_s,
  };
}

export function kpiWindow(windowStartMs: number, valueOf: (metric: KpiMetric) => number): KpiWindow {
  const out: Record<string, number> = { windowStartMs };
  for (const m of KPI_METRICS) out[m] = valueOf(m);
  return out as KpiWindow;
}
