import type uPlot from 'uplot';

/** Formats an axis' splits (scale units: epoch seconds on a time axis) `incr` apart. */
export type TickFormat = (splits: number[], incr: number) => string[];

const TICK_PX = 4;
const GAP_PX = 4;
/** Size of an axis before its first labels exist (uPlot asks once at start-up). */
const FIRST_SIZE_PX = { x: 24, y: 40 };

interface AxisLabels {
  splits: number[];
  spans: HTMLSpanElement[];
}

/**
 * uPlot axes whose tick values are DOM labels instead of canvas text, so they can be read and
 * measured: the y axis is as wide as its widest label and the x axis as tall as its tallest, and a
 * label that would cross the chart's edge is hidden (`visibility: hidden`, still measurable).
 * `axes` goes into the options (x first, then y), `plugin` into `plugins`.
 */
export function domLabelAxes(
  format: { x: TickFormat; y: TickFormat },
  colors: { grid: string },
): { axes: uPlot.Axis[]; plugin: uPlot.Plugin } {
  const byAxis = new Map<number, AxisLabels>();
  let layer: HTMLDivElement | undefined;

  const layerOf = (u: uPlot): HTMLDivElement => {
    if (layer === undefined) {
      layer = document.createElement('div');
      layer.className = 'chart-axis-labels';
      u.over.parentElement!.appendChild(layer);
    }
    return layer;
  };
  const values =
    (fmt: TickFormat): uPlot.Axis.DynamicValues =>
    (u, splits, axisIdx, _space, incr) => {
      byAxis.set(axisIdx, syncLabels(layerOf(u), byAxis.get(axisIdx), splits, fmt(splits, incr)));
      return splits.map(() => null); // nothing drawn on the canvas: the DOM labels are the values
    };
  const size =
    (ori: 'x' | 'y'): uPlot.Axis.Size =>
    (_u, _values, axisIdx) => {
      const spans = byAxis.get(axisIdx)?.spans ?? [];
      if (spans.length === 0) return FIRST_SIZE_PX[ori];
      const extent = Math.max(...spans.map((s) => (ori === 'y' ? s.offsetWidth : s.offsetHeight)));
      return Math.ceil(extent) + TICK_PX + GAP_PX + 1;
    };
  const base = (): uPlot.Axis => ({
    grid: { stroke: colors.grid, width: 1 },
    ticks: { stroke: colors.grid, width: 1, size: TICK_PX },
    gap: GAP_PX,
  });
  return {
    axes: [
      { ...base(), values: values(format.x), size: size('x') },
      { ...base(), values: values(format.y), size: size('y') },
    ],
    plugin: { hooks: { draw: (u) => placeLabels(u, byAxis) } },
  };
}

function syncLabels(
  layer: HTMLDivElement,
  prev: AxisLabels | undefined,
  splits: number[],
  texts: string[],
): AxisLabels {
  const spans = prev?.spans ?? [];
  while (spans.length > texts.length) spans.pop()!.remove();
  while (spans.length < texts.length) {
    const span = document.createElement('span');
    span.className = 'chart-axis-label';
    layer.appendChild(span);
    spans.push(span);
  }
  texts.forEach((t, i) => {
    if (spans[i]!.textContent !== t) spans[i]!.textContent = t;
  });
  return { splits, spans };
}

/** Puts each label beside its tick: left of the plot for y (side 3), under it for x (side 2). */
function placeLabels(u: uPlot, byAxis: Map<number, AxisLabels>): void {
  const over = u.over;
  const box = over.parentElement!;
  for (const [axisIdx, { splits, spans }] of byAxis) {
    const axis = u.axes[axisIdx]!;
    const isY = axis.side === 3;
    spans.forEach((span, i) => {
      const pos = u.valToPos(splits[i]!, axis.scale ?? (isY ? 'y' : 'x'));
      const w = span.offsetWidth;
      const h = span.offsetHeight;
      const left = isY ? over.offsetLeft - TICK_PX - GAP_PX - w : over.offsetLeft + pos - w / 2;
      const top = isY ? over.offsetTop + pos - h / 2 : over.offsetTop + over.offsetHeight + TICK_PX + GAP_PX;
      const inside = left >= 0 && top >= 0 && left + w <= box.clientWidth && top + h <= box.clientHeight;
      span.style.transform = `translate(${Math.round(left)}px, ${Math.round(top)}px)`;
      span.style.visibility = inside && Number.isFinite(pos) ? 'visible' : 'hidden';
      span.dataset.axis = isY ? 'y' : 'x';
    });
  }
}
