import type { Point } from './api-types.js';

type Column = (number | null)[];

/** Series of a time chart, aligned on one x axis and split at the first still-filling window. */
export interface ChartData {
  /** Union of the series' timestamps, epoch seconds, ascending. */
  xs: number[];
  /** Per series: values of windows that have ended, null elsewhere (drawn solid). */
  complete: Column[];
  /**
   * Per series: values of the still-filling windows, plus the last complete value before them so
   * the incomplete (dashed, faded) segment joins the line; null elsewhere.
   */
  filling: Column[];
  /** Index in `xs` of the first still-filling window; -1 when every window has ended. */
  openIndex: number;
}

/**
 * Aligns `series` on the union of their timestamps (a series without a point at some ts has a gap
 * there) and splits each at `openFromMs`, the start of the first window still filling.
 */
export function toChartData(series: readonly { points: readonly Point[] }[], openFromMs?: number): ChartData {
  const xs = [...new Set(series.flatMap((s) => s.points.map((p) => Date.parse(p.ts) / 1000)))].sort(
    (a, b) => a - b,
  );
  const index = new Map(xs.map((x, i) => [x, i]));
  const openIndex = openFromMs === undefined ? -1 : xs.findIndex((x) => x * 1000 >= openFromMs);
  const aligned = series.map((s) => {
    const col: Column = new Array<number | null>(xs.length).fill(null);
    for (const p of s.points) col[index.get(Date.parse(p.ts) / 1000)!] = p.value;
    return col;
  });
  if (openIndex === -1) {
    return { xs, complete: aligned, filling: aligned.map((c) => c.map(() => null)), openIndex };
  }
  return {
    xs,
    complete: aligned.map((col) => col.map((v, i) => (i < openIndex ? v : null))),
    filling: aligned.map((col) => fillingPart(col, openIndex)),
    openIndex,
  };
}

function fillingPart(col: Column, openIndex: number): Column {
  let joinAt = openIndex - 1;
  while (joinAt >= 0 && col[joinAt] === null) joinAt -= 1;
  return col.map((v, i) => (i >= openIndex || i === joinAt ? v : null));
}
