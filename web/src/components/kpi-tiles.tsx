import { changeRatio, formatValue, type ValueKind } from '../lib/format.js';
import type { KpiSeries, KpiSummary } from '../lib/api-types.js';
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
}

/** The KPI tiles: value over the selected range, change against the previous range, sparkline. */
export function KpiTiles({ summary, series, error }: Props) {
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
        const previous = summary?.previous[t.metric] ?? 0;
        const change = value === undefined ? null : changeRatio(value, previous);
        const points = series?.series[t.metric]?.map((p) => p.value) ?? [];
        return (
          <article
            key={t.metric}
            className="tile"
            data-metric={t.metric}
            data-value={value ?? ''}
            aria-live="polite"
          >
            <h3 className="tile-label">{t.label}</h3>
            <p className="tile-value">
              {value === undefined ? (error ? '!' : '…') : formatValue(value, t.kind)}
            </p>
            <p className={`tile-change ${change === null ? '' : change >= 0 ? 'up' : 'down'}`}>
              {change === null
                ? 'no previous data'
                : `${change >= 0 ? '▲' : '▼'} ${Math.abs(change * 100).toFixed(1)}% vs previous`}
            </p>
            <Sparkline values={points} color={t.color} />
          </article>
        );
      })}
    </section>
  );
}
