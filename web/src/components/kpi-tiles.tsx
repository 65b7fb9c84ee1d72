import { formatValue, valueForms, type ValueKind } from '../lib/format.js';
import type { KpiSeries, KpiSummary } from '../lib/api-types.js';
import { comparePeriods, type PeriodComparison } from '../lib/period-comparison.js';
import { completePoints } from '../lib/incomplete-window.js';
import { FitText } from './fit-text.js';
import { Sparkline } from './sparkline.js';

export const TILE_METRICS: { metric: string; label: string; kind: ValueKind; color: string }[] = [
  { metric: 'revenue', label: 'Revenue', kind: 'money', color: '#4ade80' },
  { metric: 'events_purchase', label: 'Orders', kind: 'count', color: '#60a5fa' },
  { metric: 'aov', label: 'Avg order value', kind: 'money', color: '#f472b6' },
  { metric: 'purchase_conversion', label: 'Conversion', kind: 'rate', color: '#facc15' },
  { metric: 'add_to_cart_rate', label: 'Add-to-cart rate', kind: 'rate', color: '#fb923c' },
  { metric: 'events_total', label: 'Events', kind: 'count', color: '#a78bfa' },
];

interface Props {
  summary: KpiSummary | undefined;
  series: KpiSeries | undefined;
  error: Error | undefined;
  /** Start of the first still-filling window: sparklines show only the windows before it. */
  openFromMs: number;
  /** Opens the drill-down ("explain this number") of the metric's last ended minute. */
  onExplain?: (metric: string) => void;
}

/**
 * The KPI tiles: value over the selected range (the longest form that fits, the full value in the
 * tooltip), change against the previous range when it is covered alike, sparkline of ended windows.
 */
export function KpiTiles({ summary, series, error, openFromMs, onExplain }: Props) {
  return (
    <section
      className="tiles"
      aria-label="Key figures for the selected range"
      data-testid="kpi-tiles"
      data-from={summary?.from}
      data-to={summary?.to}
    >
      {TILE_METRICS.map((t) => {
        const value = summary?.current[t.metric];
        const comparison =
          summary === undefined || value === undefined
            ? undefined
            : comparePeriods(value, summary.previous[t.metric] ?? 0, summary.coveredMinutes);
        const points = completePoints(series?.series[t.metric] ?? [], openFromMs);
        const full = value === undefined ? (error ? '!' : '…') : formatValue(value, t.kind);
        return (
          <article
            key={t.metric}
            className="tile"
            data-metric={t.metric}
            data-value={value ?? ''}
            aria-live="polite"
          >
            <h3 className="tile-label">{t.label}</h3>
            {onExplain !== undefined && (
              <button
                type="button"
                className="tile-explain"
                aria-label={`Explain ${t.label} of the last ended minute`}
                title="Explain the last ended minute: its events and what was left out"
                onClick={() => onExplain(t.metric)}
              >
                ?
              </button>
            )}
            <FitText
              className="tile-value"
              forms={value === undefined ? [full] : valueForms(value, t.kind)}
              title={full}
            />
            <ChangeLine comparison={comparison} summary={summary} />
            <Sparkline values={points.map((p) => p.value)} lastTs={points.at(-1)?.ts} color={t.color} />
          </article>
        );
      })}
    </section>
  );
}

function ChangeLine({
  comparison,
  summary,
}: {
  comparison: PeriodComparison | undefined;
  summary: KpiSummary | undefined;
}) {
  if (comparison === undefined || summary === undefined) return <p className="tile-change">&nbsp;</p>;
  if (comparison.kind === 'change') {
    const up = comparison.ratio >= 0;
    return (
      <p className={`tile-change ${up ? 'up' : 'down'}`} data-comparison="change">
        {`${up ? '▲' : '▼'} ${Math.abs(comparison.ratio * 100).toFixed(1)}% vs previous`}
      </p>
    );
  }
  if (comparison.kind === 'previous-zero') {
    return (
      <p className="tile-change" data-comparison="previous-zero">
        previous period: 0
      </p>
    );
  }
  const { current, previous } = comparison.coveredMinutes;
  return (
    <p
      className="tile-change"
      data-comparison="not-comparable"
      title={`The previous period holds data in ${previous} minute(s), this one in ${current}: a percentage would compare a part with a whole.`}
    >
      no comparable period
    </p>
  );
}
