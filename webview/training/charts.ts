// Live line charts drawn as plain SVG: several named series, nice axes, thinned to a fixed number of points.

import { extent, formatTick, linePath, niceTicks, scale, thin } from './chart-scale';
import { el, svg } from './dom';

export interface Series {
  readonly label: string;
  readonly xs: number[];
  readonly ys: number[];
}

const W = 360;
const H = 180;
const PAD = { left: 42, right: 8, top: 8, bottom: 22 };
const MAX_POINTS = 400;

export class LineChart {
  readonly root: HTMLElement;
  private readonly plot: SVGSVGElement;

  constructor(
    readonly title: string,
    private readonly series: readonly Series[],
    private readonly xLabel: string,
    id: string,
  ) {
    this.plot = svg('svg', { width: W, height: H, viewBox: `0 0 ${W} ${H}`, class: 'chart', id, role: 'img', 'aria-label': title });
    const legend = el('div', { className: 'legend' });
    series.forEach((s, i) => {
      legend.appendChild(el('i', { className: `k${i}` }));
      legend.appendChild(document.createTextNode(s.label));
    });
    this.root = el('div', {}, el('h3', { text: title }), this.plot, legend);
  }

  /** Redraws from the series arrays (they are appended to in place by the caller). */
  draw(): void {
    this.plot.replaceChildren();
    const thinned = this.series.map((s) => thin(s.xs, s.ys, MAX_POINTS));
    const xr = extent(thinned.map((t) => t.xs));
    const yTicks = niceTicks(extent(thinned.map((t) => t.ys)), 4);
    const x = scale(xr, { min: PAD.left, max: W - PAD.right });
    const y = scale(yTicks.range, { min: PAD.top, max: H - PAD.bottom }, true);
    for (const t of yTicks.ticks) {
      this.plot.appendChild(svg('line', { class: 'grid', x1: PAD.left, x2: W - PAD.right, y1: y(t), y2: y(t) }));
      this.plot.appendChild(svg('text', { x: PAD.left - 4, y: y(t) + 3, 'text-anchor': 'end' }, formatTick(t)));
    }
    this.plot.appendChild(svg('line', { class: 'axis', x1: PAD.left, x2: PAD.left, y1: PAD.top, y2: H - PAD.bottom }));
    this.plot.appendChild(svg('line', { class: 'axis', x1: PAD.left, x2: W - PAD.right, y1: H - PAD.bottom, y2: H - PAD.bottom }));
    this.plot.appendChild(svg('text', { x: W - PAD.right, y: H - 6, 'text-anchor': 'end' }, `${this.xLabel} ${formatTick(xr.max)}`));
    thinned.forEach((t, i) => {
      const d = linePath(t.xs, t.ys, x, y);
      if (d) this.plot.appendChild(svg('path', { class: `s${i}`, d, 'data-points': t.xs.length }));
    });
  }
}
