import type uPlot from 'uplot';

const MIN_WIDTH_PX = 8;

/**
 * uPlot plugin marking the still-filling windows: a hatched band over the plot from the last
 * complete window to the newest one (`data-from-ts` = the first incomplete window, ISO), hidden when
 * every window has ended. `openIndex()` is read at each draw (the x index of the first incomplete
 * window, or -1).
 */
export function incompleteBand(openIndex: () => number): uPlot.Plugin {
  let band: HTMLDivElement | undefined;
  const draw = (u: uPlot) => {
    if (band === undefined) {
      band = document.createElement('div');
      band.className = 'chart-incomplete';
      band.title = 'still filling: this window has not ended yet';
      u.over.appendChild(band);
    }
    const xs = u.data[0];
    const open = openIndex();
    if (open < 0 || open >= xs.length) {
      band.hidden = true;
      band.dataset.fromTs = '';
      return;
    }
    const right = u.valToPos(xs[xs.length - 1]!, 'x');
    const left = Math.min(u.valToPos(xs[Math.max(0, open - 1)]!, 'x'), right - MIN_WIDTH_PX);
    band.hidden = false;
    band.dataset.fromTs = new Date(xs[open]! * 1000).toISOString();
    band.style.left = `${Math.max(0, left)}px`;
    band.style.width = `${Math.max(MIN_WIDTH_PX, right - Math.max(0, left))}px`;
  };
  return { hooks: { draw } };
}
