// The overview in the corner: every box as a dot-sized rectangle, the visible area outlined; click or drag to move there.

import type { DiagramLayout, Rect } from '../layout/layout';
import { svgEl } from './dom';

export class Minimap {
  readonly element: SVGSVGElement;
  private readonly boxes: SVGGElement;
  private readonly view: SVGRectElement;
  private bounds: Rect = { x: 0, y: 0, width: 1, height: 1 };
  private dragging = false;

  constructor(private readonly moveTo: (x: number, y: number) => void) {
    this.boxes = svgEl('g');
    this.view = svgEl('rect', { class: 'mini-view' });
    this.element = svgEl('svg', { id: 'minimap', class: 'hidden', 'aria-hidden': 'true', tabindex: -1, preserveAspectRatio: 'xMidYMid meet' }, [
      this.boxes,
      this.view,
    ]);
    this.element.addEventListener('pointerdown', (e) => {
      this.dragging = true;
      this.element.setPointerCapture(e.pointerId);
      this.follow(e);
    });
    this.element.addEventListener('pointermove', (e) => this.dragging && this.follow(e));
    this.element.addEventListener('pointerup', () => (this.dragging = false));
  }

  draw(layout: DiagramLayout): void {
    this.bounds = { x: 0, y: 0, width: Math.max(1, layout.width), height: Math.max(1, layout.height) };
    this.element.setAttribute('viewBox', `0 0 ${this.bounds.width} ${this.bounds.height}`);
    this.boxes.replaceChildren(
      ...layout.boxes.map((b) => {
        const diags = b.item.type === 'layer' ? b.item.node.diagnostics : b.item.group.diagnostics;
        const error = diags.some((d) => d.severity === 'error');
        return svgEl('rect', { class: `mini-box${error ? ' error' : ''}`, x: b.x, y: b.y, width: b.width, height: b.height });
      }),
    );
  }

  /** Shows the visible area; the minimap hides itself while the whole diagram is in view. */
  update(visible: Rect): void {
    const b = this.bounds;
    const all = visible.x <= b.x && visible.y <= b.y && visible.x + visible.width >= b.width && visible.y + visible.height >= b.height;
    this.element.classList.toggle('hidden', all);
    this.view.setAttribute('x', String(visible.x));
    this.view.setAttribute('y', String(visible.y));
    this.view.setAttribute('width', String(Math.max(0, visible.width)));
    this.view.setAttribute('height', String(Math.max(0, visible.height)));
  }

  /** Converts the pointer to diagram coordinates through the minimap's own transform. */
  private follow(e: PointerEvent): void {
    const ctm = this.element.getScreenCTM();
    if (!ctm) return;
    const p = new DOMPoint(e.clientX, e.clientY).matrixTransform(ctm.inverse());
    this.moveTo(p.x, p.y);
  }
}
