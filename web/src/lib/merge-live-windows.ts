import type { KpiSeries, StreamKpis } from './api-types.js';

/**
 * Applies windows pushed on the live stream to a minute-grain series in place of a refetch:
 * a pushed window replaces the point with the same ts or is inserted in order. Other grains
 * are returned unchanged (they are refetched on the next live tick).
 */
export function mergeLiveWindows(
  series: KpiSeries | undefined,
  msg: StreamKpis | undefined,
): KpiSeries | undefined {
  if (series === undefined || msg === undefined || series.grain !== 'minute') return series;
  const fromMs = Date.parse(series.from);
  const toMs = Date.parse(series.to);
  const next: KpiSeries['series'] = {};
  for (const [metric, points] of Object.entries(series.series)) {
    const byTs = new Map(points.map((p) => [p.ts, p.value]));
    for (const w of msg.windows) {
      const ms = Date.parse(w.ts);
      const value = w.metrics[metric];
      if (value !== undefined && ms >= fromMs && ms < toMs) byTs.set(w.ts, value);
    }
    next[metric] = [...byTs]
      .map(([ts, value]) => ({ ts, value }))
      .sort((a, b) => Date.parse(a.ts) - Date.parse(b.ts));
  }
  return { ...series, series: next };
}
