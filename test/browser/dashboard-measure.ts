import type { Page } from 'playwright-core';

/** DOM measurements of the dashboard, taken in the page (CSS pixels, viewport coordinates). */
export interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
}
export interface ChartMeasure {
  panel: string;
  box: Box;
  plot: Box;
  openFrom: string;
  lastTs: number;
  labels: (Box & { axis: string; text: string })[];
  band: (Box & { hidden: boolean; fromTs: string; borderStyle: string; background: string }) | null;
  legendRows: number;
}
export interface TileMeasure {
  metric: string;
  value: number;
  title: string | null;
  comparison: string | null;
  sparklineLastTs: string | null;
  parts: { part: string; text: string; scrollWidth: number; clientWidth: number }[];
}

/** Each time chart: its box, plot area, visible axis labels, the still-filling band, legend rows. */
export function measureCharts(page: Page): Promise<ChartMeasure[]> {
  return page.$$eval('.panel .chart', (charts) =>
    charts.map((el) => {
      // No helper functions in here: the page would lack the bundler's name helper (__name).
      const view = el.ownerDocument.defaultView!;
      const band = el.querySelector<HTMLElement>('.chart-incomplete');
      const bandStyle = band === null ? null : view.getComputedStyle(band);
      return {
        panel: el.closest('.panel')?.getAttribute('data-testid') ?? '',
        box: el.getBoundingClientRect().toJSON() as Box,
        plot: el.querySelector('.u-over')!.getBoundingClientRect().toJSON() as Box,
        openFrom: el.getAttribute('data-open-from') ?? '',
        lastTs: Number(el.getAttribute('data-last-ts')),
        labels: [...el.querySelectorAll<HTMLElement>('.chart-axis-label')]
          .filter((l) => view.getComputedStyle(l).visibility === 'visible')
          .map((l) => ({
            ...(l.getBoundingClientRect().toJSON() as Box),
            axis: l.dataset.axis ?? '',
            text: l.textContent ?? '',
          })),
        band:
          band === null || bandStyle === null
            ? null
            : {
                ...(band.getBoundingClientRect().toJSON() as Box),
                hidden: band.hidden,
                fromTs: band.dataset.fromTs ?? '',
                borderStyle: bandStyle.borderLeftStyle,
                background: bandStyle.backgroundImage,
              },
        legendRows: [...el.querySelectorAll('.u-legend .u-series')].filter(
          (r) => view.getComputedStyle(r).display !== 'none',
        ).length,
      };
    }),
  );
}

/** Each KPI tile: its value, tooltip, comparison kind, sparkline end and its text boxes. */
export function measureTiles(page: Page): Promise<TileMeasure[]> {
  return page.$$eval('[data-testid="kpi-tiles"] .tile', (tiles) =>
    tiles.map((el) => ({
      metric: el.getAttribute('data-metric') ?? '',
      value: Number(el.getAttribute('data-value')),
      title: el.querySelector('.tile-value')?.getAttribute('title') ?? null,
      comparison: el.querySelector('.tile-change')?.getAttribute('data-comparison') ?? null,
      sparklineLastTs: el.querySelector('.sparkline')?.getAttribute('data-last-ts') ?? null,
      parts: ['tile-label', 'tile-value', 'tile-change'].map((part) => {
        const e = el.querySelector(`.${part}`)!;
        return { part, text: e.textContent ?? '', scrollWidth: e.scrollWidth, clientWidth: e.clientWidth };
      }),
    })),
  );
}

/** `inner` lies within `outer` (half a pixel of rounding allowed). */
export function inside(inner: Box, outer: Box): boolean {
  const e = 0.5;
  return (
    inner.left >= outer.left - e &&
    inner.right <= outer.right + e &&
    inner.top >= outer.top - e &&
    inner.bottom <= outer.bottom + e
  );
}

const SUFFIX: Record<string, number> = { '': 1, k: 1e3, M: 1e6, B: 1e9, T: 1e12, '%': 0.01 };

/**
 * The number a tile or axis label writes ("$745.8k", "2,064,123", "11.4%", "15k") and half a unit
 * of its last digit (how far from the true value its rounding may be); null if it is not a number.
 */
export function parseShown(text: string): { value: number; halfUnit: number } | null {
  const m = /^(-)?\$?([\d,]+)(?:\.(\d+))?([kMBT%])?$/.exec(text.trim());
  if (m === null) return null;
  const decimals = m[3]?.length ?? 0;
  const scale = SUFFIX[m[4] ?? '']!;
  const magnitude = Number(`${m[2]!.replaceAll(',', '')}.${m[3] ?? '0'}`) * scale;
  return { value: m[1] ? -magnitude : magnitude, halfUnit: 0.5 * 10 ** -decimals * scale };
}
