import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './time-chart.css';
import type { Point } from '../lib/api-types.js';
import { toChartData, type ChartData } from '../lib/chart-data.js';
import { formatAxisNumber, formatTimeTick } from '../lib/format.js';
import { domLabelAxes } from './chart-axis-labels.js';
import { incompleteBand } from './chart-incomplete-band.js';

export interface ChartSeries {
  label: string;
  color: string;
  points: Point[];
}

const AXIS_COLORS = { grid: '#1f2937' };
const exact = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/**
 * A uPlot time chart that follows its container's width. The x axis is the union of the series'
 * timestamps (a series without a point at some ts shows a gap there); axis labels are DOM labels
 * in compact units, each axis sized for its widest label. Windows from `openFromMs` on are still
 * filling: drawn dashed and faded under a hatched band, never as a drop of the solid line.
 */
export function TimeChart({
  series,
  height = 220,
  label,
  openFromMs,
  onPick,
}: {
  series: ChartSeries[];
  height?: number;
  label: string;
  openFromMs?: number;
  /** A click on the plot picks the window under the cursor (its start, epoch ms). */
  onPick?: (windowStartMs: number) => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const data = toChartData(series, openFromMs);
  const latest = useRef(data);
  latest.current = data;
  const pick = useRef(onPick);
  pick.current = onPick;
  const signature = series.map((s) => `${s.label}:${s.color}`).join('|');
  useEffect(() => {
    const el = box.current;
    if (el === null) return undefined;
    plot.current = new uPlot(
      chartOptions(series, height, el, () => latest.current),
      aligned(data),
      el,
    );
    const u = plot.current;
    const onClick = () => {
      const idx = u.cursor.idx;
      const ts = idx === null || idx === undefined ? undefined : latest.current.xs[idx];
      if (ts !== undefined) pick.current?.(ts * 1000);
    };
    u.over.addEventListener('click', onClick);
    if (onPick !== undefined) u.over.style.cursor = 'pointer';
    const resize = new ResizeObserver(() =>
      plot.current?.setSize({ width: Math.max(200, el.clientWidth), height }),
    );
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.over.removeEventListener('click', onClick);
      plot.current?.destroy();
      plot.current = null;
    };
    // Re-created only when the set of series changes; data updates go through setData below.
  }, [signature, height]);
  useEffect(() => {
    plot.current?.setData(aligned(data));
  });
  const { xs, openIndex } = data;
  return (
    <div
      ref={box}
      className="chart"
      role="img"
      aria-label={label}
      data-points={xs.length}
      data-first-ts={xs[0] ?? ''}
      data-last-ts={xs[xs.length - 1] ?? ''}
      data-open-from={openIndex === -1 ? '' : new Date(xs[openIndex]! * 1000).toISOString()}
    />
  );
}

function chartOptions(
  series: ChartSeries[],
  height: number,
  el: HTMLElement,
  current: () => ChartData,
): uPlot.Options {
  const { axes, plugin } = domLabelAxes(
    {
      x: (splits, incr) => splits.map((s) => formatTimeTick(s, incr)),
      y: (splits) => splits.map(formatAxisNumber),
    },
    AXIS_COLORS,
  );
  return {
    width: Math.max(200, el.clientWidth),
    height,
    legend: { show: true },
    // The dashboard shows UTC everywhere (the API's timestamps are UTC).
    tzDate: (ts: number) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    cursor: { drag: { x: false, y: false } },
    axes,
    plugins: [plugin, incompleteBand(() => current().openIndex)],
    series: [
      {},
      ...series.map((s, i) => ({
        label: s.label,
        stroke: s.color,
        width: 2,
        fill: s.color + '22',
        // The legend shows the value of the hovered window, marked when it is still filling.
        value: (_u: uPlot, v: number | null, _s: number, idx: number | null) => {
          const d = current();
          if (v !== null) return exact.format(v);
          const filling = idx === null ? null : (d.filling[i]?.[idx] ?? null);
          return filling === null ? '--' : `${exact.format(filling)} (filling)`;
        },
      })),
      ...series.map((s) => ({
        label: `${s.label} (filling)`,
        class: 'chart-series-filling',
        stroke: s.color,
        width: 2,
        dash: [5, 4],
        alpha: 0.55,
        spanGaps: true,
      })),
    ],
  };
}

function aligned(d: ChartData): uPlot.AlignedData {
  return [d.xs, ...d.complete, ...d.filling];
}
