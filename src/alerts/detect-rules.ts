import type { SqlExecutor } from '../store/serving-store.js';
import type { AlertOptions } from './alert-options.js';
import type { RuleOutcome } from './alert-types.js';
import { detectEwma } from './ewma-detector.js';
import { denominatorOf, readDimCounters, readKpiSeries } from './kpi-series-reader.js';
import {
  detectAccountingGap,
  detectLag,
  detectNoData,
  detectStuckProcessor,
  detectValidShare,
  type GapsSeen,
  type PipelineSnapshot,
} from './pipeline-health-rules.js';
import { detectThreshold, thresholdMetric } from './threshold-rule.js';

/**
 * The KPI rules (ewma and static thresholds) over the serving DB, scoring the second-latest window
 * among the windows that start before `untilMs` (replays pass it; live loops leave it undefined).
 */
export async function evaluateKpiRules(
  db: SqlExecutor,
  o: AlertOptions,
  untilMs?: number,
): Promise<RuleOutcome[]> {
  const metrics = [
    ...new Set([...o.metrics, ...o.thresholds.filter((t) => t.dimension === undefined).map((t) => t.metric)]),
  ];
  const windows = o.ewma.historyWindows * 3 + 2;
  const series = await readKpiSeries(db, metrics, windows, untilMs);
  const scored = series.scoredWindowMs;
  if (scored === undefined) return [];
  const out: RuleOutcome[] = o.metrics.map((metric) =>
    detectEwma(metric, series.byMetric.get(metric) ?? [], o.ewma, minDenominator(metric, o)),
  );
  const dims = o.thresholds.some((t) => t.dimension !== undefined)
    ? await readDimCounters(db, scored)
    : new Map<string, number>();
  for (const t of o.thresholds) {
    const value =
      t.dimension === undefined ? series.byMetric.get(t.metric)?.at(-1)?.value : dims.get(thresholdMetric(t));
    out.push(detectThreshold(t, scored, value));
  }
  return out;
}

function minDenominator(metric: string, o: AlertOptions): number | undefined {
  const den = denominatorOf(metric);
  if (den === undefined) return undefined;
  return den === 'events_click' ? o.minClicksForRates : o.minCartsForCheckoutRate;
}

/**
 * The pipeline rules over the snapshots the loop kept (oldest first, newest = now); `gapSince` is
 * the loop's memory of accounting gaps (see detectAccountingGap).
 */
export function evaluatePipelineRules(
  history: readonly PipelineSnapshot[],
  o: AlertOptions,
  gapSince: GapsSeen = new Map(),
): RuleOutcome[] {
  const last = history.at(-1);
  if (last === undefined) return [];
  return [
    detectNoData(last, o.noDataMs),
    detectLag(last, o.maxLagMs),
    detectValidShare(history, o.minValidPct, o.dqWindowMs),
    ...detectStuckProcessor(history, o),
    ...detectAccountingGap(last, gapSince),
  ];
}
