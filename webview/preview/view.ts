// Pan and zoom of the diagram: one transform (translate + uniform scale) applied to the viewport group.

import type { Rect } from '../layout/layout';

export interface ViewTransform {
  readonly x: number;
  readonly y: number;
  readonly k: number;
}

export const MIN_ZOOM = 0.05;
export const MAX_ZOOM = 4;
const FIT_MARGIN = 24;

const clampZoom = (k: number) => Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, k));

/** The zoom at which the diagram's labels (`labelPx` in diagram units) show at `fontPx` on screen. */
export const readableZoom = (fontPx: number, labelPx: number): number => clampZoom(fontPx / labelPx);

export class PanZoom {
  private t: ViewTransform = { x: 0, y: 0, k: 1 };
  private drag: { x: number; y: number; id: number; moved: boolean } | undefined;
  /** True right after a drag, so the click that ends it does not also select a node. */
  suppressClick = false;

  constructor(
    private readonly svg: SVGSVGElement,
    private readonly viewport: SVGGElement,
    private readonly onChange: (t: ViewTransform) => void,
  ) {
    svg.addEventListener('wheel', (e) => this.onWheel(e), { passive: false });
    svg.addEventListener('pointerdown', (e) => this.onDown(e));
    svg.addEventListener('pointermove', (e) => this.onMove(e));
    svg.addEventListener('pointerup', (e) => this.onUp(e));
    svg.addEventListener('pointercancel', (e) => this.onUp(e));
  }

  get transform(): ViewTransform {
    return this.t;
  }

  set(t: ViewTransform): void {
    this.t = { x: t.x, y: t.y, k: clampZoom(t.k) };
    this.viewport.setAttribute('transform', `translate(${round(this.t.x)},${round(this.t.y)}) scale(${round(this.t.k, 4)})`);
    this.onChange(this.t);
  }

  /** Zooms by `factor` keeping the point (cx, cy) of the view (default: its centre) in place. */
  zoomBy(factor: number, cx?: number, cy?: number): void {
    const { width, height } = this.size();
    const px = cx ?? width / 2;
    const py = cy ?? height / 2;
    const k = clampZoom(this.t.k * factor);
    const ratio = k / this.t.k;
    this.set({ x: px - (px - this.t.x) * ratio, y: py - (py - this.t.y) * ratio, k });
  }

  /** Scales and centres `bounds` (diagram coordinates) in the view; never zooms in beyond 1. */
  fit(bounds: Rect): void {
    const { width, height } = this.size();
    if (width <= 0 || height <= 0 || bounds.width <= 0 || bounds.height <= 0) return;
    const k = clampZoom(Math.min(1, (width - 2 * FIT_MARGIN) / bounds.width, (height - 2 * FIT_MARGIN) / bounds.height));
    this.set({ x: (width - bounds.width * k) / 2 - bounds.x * k, y: Math.max(FIT_MARGIN, (height - bounds.height * k) / 2) - bounds.y * k, k });
  }

  /**
   * The first view of a diagram: labels at the `readable` zoom (the editor's font size), the whole diagram centred when
   * it fits at that zoom, else `focus` centred (`center`) or at the top centre of the view (the model's input).
   */
  firstSight(bounds: Rect, readable: number, focus: Rect | undefined, center: boolean): void {
    const { width, height } = this.size();
    if (width <= 0 || height <= 0 || bounds.width <= 0 || bounds.height <= 0) return;
    const k = clampZoom(readable);
    const fits = bounds.width * k <= width - 2 * FIT_MARGIN && bounds.height * k <= height - 2 * FIT_MARGIN;
    if (fits || !focus) {
      const x = (width - bounds.width * k) / 2 - bounds.x * k;
      return this.set({ x, y: Math.max(FIT_MARGIN, (height - bounds.height * k) / 2) - bounds.y * k, k });
    }
    const x = width / 2 - (focus.x + focus.width / 2) * k;
    const y = center ? height / 2 - (focus.y + focus.height / 2) * k : FIT_MARGIN - focus.y * k;
    this.set({ x, y, k });
  }

  /** Moves the view so the diagram point (x, y) is at the centre, keeping the zoom. */
  centerOn(x: number, y: number): void {
    const { width, height } = this.size();
    this.set({ x: width / 2 - x * this.t.k, y: height / 2 - y * this.t.k, k: this.t.k });
  }

  /** The part of the diagram currently visible, in diagram coordinates. */
  visibleRect(): Rect {
    const { width, height } = this.size();
    return { x: -this.t.x / this.t.k, y: -this.t.y / this.t.k, width: width / this.t.k, height: height / this.t.k };
  }

  size(): { width: number; height: number } {
    const r = this.svg.getBoundingClientRect();
    return { width: r.width, height: r.height };
  }

  private onWheel(e: WheelEvent): void {
    e.preventDefault();
    const r = this.svg.getBoundingClientRect();
    const factor = Math.exp(-e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.0015));
    this.zoomBy(factor, e.clientX - r.left, e.clientY - r.top);
  }

  private onDown(e: PointerEvent): void {
    if (e.button !== 0) return;
    this.drag = { x: e.clientX, y: e.clientY, id: e.pointerId, moved: false };
    this.suppressClick = false;
  }

  private onMove(e: PointerEvent): void {
    const d = this.drag;
    if (!d || d.id !== e.pointerId) return;
    const dx = e.clientX - d.x;
    const dy = e.clientY - d.y;
    if (!d.moved && Math.hypot(dx, dy) < 4) return;
    if (!d.moved) {
      d.moved = true;
      this.svg.setPointerCapture(e.pointerId);
      this.svg.classList.add('panning');
    }
    d.x = e.clientX;
    d.y = e.clientY;
    this.set({ x: this.t.x + dx, y: this.t.y + dy, k: this.t.k });
  }

  private onUp(e: PointerEvent): void {
    const d = this.drag;
    if (!d || d.id !== e.pointerId) return;
    this.suppressClick = d.moved;
    this.drag = undefined;
    this.svg.classList.remove('panning');
    if (this.svg.hasPointerCapture(e.pointerId)) this.svg.releasePointerCapture(e.pointerId);
  }
}

function round(v: number, digits = 2): number {
  const s = 10 ** digits;
  return Math.round(v * s) / s;
}
