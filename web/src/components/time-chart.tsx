import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Point } from '../lib/api-types.js';

export interface ChartSeries {
  label: string;
  color: string;
  points: Point[];
}

/**
 * A uPlot time chart that follows its container's width. The x axis is the union of the
 * series' timestamps; a series without a point at some ts shows a gap there.
 */
export function TimeChart({
  series,
  height = 220,
  label,
}: {
  series: ChartSeries[];
  height?: number;
  label: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const data = toAligned(series);
  const signature = series.map((s) => s.label).join('|');
  useEffect(() => {
    const el = box.current;
    if (el === null) return undefined;
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      legend: { show: true },
      // The dashboard shows UTC everywhere (the API's timestamps are UTC).
      tzDate: (ts: number) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      cursor: { drag: { x: false, y: false } },
      axes: [axis(), axis()],
      series: [
        {},
        ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, fill: s.color + '22' })),
      ],
    };
    plot.current = new uPlot(opts, data, el);
    const resize = new ResizeObserver(() =>
      plot.current?.setSize({ width: Math.max(200, el.clientWidth), height }),
    );
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
    // Re-created only when the set of series changes; data updates go through setData below.
  }, [signature, height]);
  useEffect(() => {
    plot.current?.setData(data);
  });
  const xs = data[0];
  return (
    <div
      ref={box}
      className="chart"
      role="img"
      aria-label={label}
      data-points={xs.length}
      data-first-ts={xs[0] ?? ''}
      data-last-ts={xs[xs.length - 1] ?? ''}
    />
  );
}

function axis(): uPlot.Axis {
  return { stroke: '#9aa4b2', grid: { stroke: '#1f2937', width: 1 }, ticks: { stroke: '#1f2937', width: 1 } };
}

function toAligned(series: ChartSeries[]): uPlot.AlignedData {
  const xs = [...new Set(series.flatMap((s) => s.points.map((p) => Date.parse(p.ts) / 1000)))].sort(
    (a, b) => a - b,
  );
  const index = new Map(xs.map((x, i) => [x, i]));
  const ys = series.map((s) => {
    const col: (number | null)[] = new Array<number | null>(xs.length).fill(null);
    for (const p of s.points) col[index.get(Date.parse(p.ts) / 1000)!] = p.value;
    return col;
  });
  return [xs, ...ys];
}
