// The preview controller: receives messages, lays out and draws, keeps view and collapse state, talks back.

import { defaultCollapsed, groupKey, layerKey } from '../layout/collapse';
import { layoutGraph, type DiagramLayout, type Rect } from '../layout/layout';
import type { PreviewGraph } from '../layout/types';
import { checkToPreview, isPreviewGraph, type ExportFormat, type FromPreview, type ToPreview } from '../../protocol/preview';
import { htmlEl, svgEl } from './dom';
import { arrowMarker, drawDiagram, type Drawing } from './draw';
import { exportPng, exportSvg } from './export';
import { createHeader, showTotals, type ToolbarAction } from './header';
import { Minimap } from './minimap';
import { PanZoom, readableZoom, type ViewTransform } from './view';
import { FONT_SIZE } from '../layout/text';

/** What VS Code's `acquireVsCodeApi()` returns, narrowed to what the preview uses. */
export interface Host {
  postMessage(message: FromPreview): void;
  getState(): unknown;
  setState(state: unknown): void;
}

/** What `getState()` returns, and so what a webview panel serializer receives as `state`. */
export interface SavedState {
  readonly v: 1;
  /** The document shown, as given by the last graph message. */
  readonly uri?: string;
  readonly graph?: PreviewGraph;
  readonly collapsed: readonly string[];
  /** Instances seen before, so only new ones get the default collapse. */
  readonly known: readonly string[];
  readonly view?: ViewTransform;
}

const ZOOM_STEP = 1.25;
const PAN_STEP = 60;

export class PreviewApp {
  private readonly svg: SVGSVGElement;
  private readonly viewport: SVGGElement;
  private readonly defs = arrowMarker();
  private readonly totals: HTMLElement;
  private readonly status: HTMLElement;
  private readonly panZoom: PanZoom;
  private readonly minimap: Minimap;
  private graph: PreviewGraph | undefined;
  private uri: string | undefined;
  private layout: DiagramLayout | undefined;
  private drawing: Drawing | undefined;
  private collapsed = new Set<string>();
  private known = new Set<string>();
  private highlighted: string | null = null;
  private sequence = 0;
  private hasView = false;

  constructor(
    private readonly host: Host,
    root: HTMLElement,
  ) {
    const header = createHeader((a) => void this.onAction(a));
    this.totals = header.totals;
    this.viewport = svgEl('g', { id: 'viewport' });
    // The boxes are the tab stops, not the canvas around them.
    this.svg = svgEl('svg', { id: 'diagram', role: 'group', 'aria-label': 'Architecture diagram', tabindex: -1 }, [this.defs, this.viewport]);
    this.status = htmlEl('div', { id: 'status', role: 'status' });
    this.minimap = new Minimap((x, y) => this.panZoom.centerOn(x, y));
    const stage = htmlEl('main', { id: 'stage' });
    stage.append(this.svg, this.minimap.element, this.status);
    root.append(header.header, stage);
    this.panZoom = new PanZoom(this.svg, this.viewport, () => this.onViewChange());
    this.svg.addEventListener('click', (e) => this.onClick(e));
    this.svg.addEventListener('keydown', (e) => this.onNodeKey(e));
    this.svg.addEventListener('focusin', (e) => this.onFocus(e));
    document.addEventListener('keydown', (e) => this.onKey(e));
  }

  /** Redraws what was shown before the webview was hidden or VS Code restarted. */
  restore(): void {
    const s = this.host.getState() as Partial<SavedState> | undefined;
    if (!s || s.v !== 1 || !isPreviewGraph(s.graph)) return;
    this.uri = typeof s.uri === 'string' ? s.uri : undefined;
    this.collapsed = new Set(stringArray(s.collapsed));
    this.known = new Set(stringArray(s.known));
    void this.show(s.graph, isTransform(s.view) ? s.view : undefined);
  }

  /** Entry point for every incoming message; anything malformed is dropped here. */
  receive(data: unknown): void {
    const message = checkToPreview(data);
    if (message.ok) void this.handle(message.value);
  }

  private async handle(m: ToPreview): Promise<void> {
    switch (m.type) {
      case 'graph':
        this.uri = m.uri ?? this.uri;
        return this.show(m.graph);
      case 'empty':
        return this.clear(m.message);
      case 'highlight':
        return this.highlight(m.nodeId);
      case 'requestExport':
        return this.export(m.format);
    }
  }

  private async show(graph: PreviewGraph, view?: ViewTransform): Promise<void> {
    const seq = ++this.sequence;
    this.graph = graph;
    this.applyDefaultCollapse(graph);
    showTotals(this.totals, graph);
    await this.relayout(seq, view);
  }

  /** New instances of a large model start collapsed; instances the user already saw keep their state. */
  private applyDefaultCollapse(graph: PreviewGraph): void {
    const ids = new Set(graph.groups.map((g) => g.id));
    for (const id of defaultCollapsed(graph)) if (!this.known.has(id)) this.collapsed.add(id);
    this.collapsed = new Set([...this.collapsed].filter((id) => ids.has(id)));
    this.known = ids;
  }

  private async relayout(seq: number, view?: ViewTransform): Promise<void> {
    const graph = this.graph;
    if (!graph) return;
    this.status.textContent = this.layout ? '' : 'Laying out…';
    let layout: DiagramLayout;
    try {
      layout = await layoutGraph(graph, this.collapsed);
    } catch (e) {
      if (seq === this.sequence) this.status.textContent = `The diagram could not be laid out: ${e instanceof Error ? e.message : String(e)}`;
      return;
    }
    // A newer graph arrived while this one was being laid out: drop the stale drawing.
    if (seq !== this.sequence) return;
    this.status.textContent = '';
    this.draw(layout, view);
  }

  private draw(layout: DiagramLayout, view?: ViewTransform): void {
    this.layout = layout;
    this.drawing = drawDiagram(this.viewport, layout);
    this.svg.setAttribute('data-ready', String(this.sequence));
    this.minimap.draw(layout);
    if (view) this.panZoom.set(view);
    else if (!this.hasView) this.firstSight();
    else this.onViewChange();
    this.hasView = true;
    this.applyHighlight(false);
  }

  private clear(message: string): void {
    this.sequence++;
    this.graph = undefined;
    this.layout = undefined;
    this.drawing = undefined;
    this.viewport.replaceChildren();
    showTotals(this.totals, undefined, message);
    this.status.textContent = message;
    this.minimap.element.classList.add('hidden');
    this.save();
  }

  /** Opens readable (labels at the editor's font size) on the layer under the cursor, else on the model's input. */
  private firstSight(): void {
    const layout = this.layout;
    if (!layout) return;
    const cursorKey = this.highlighted === null ? undefined : this.visibleKeyOf(this.highlighted);
    const focus = (cursorKey && this.boxRect(cursorKey)) || layout.boxes.find((b) => b.item.type === 'layer' && b.item.node.kind === 'input');
    const bounds = { x: 0, y: 0, width: layout.width, height: layout.height };
    this.panZoom.firstSight(bounds, readableZoom(editorFontPx(), FONT_SIZE), focus ?? layout.boxes[0], !!cursorKey);
  }

  private fit(): void {
    if (this.layout) this.panZoom.fit({ x: 0, y: 0, width: this.layout.width, height: this.layout.height });
  }

  private onViewChange(): void {
    this.minimap.update(this.panZoom.visibleRect());
    this.save();
  }

  private save(): void {
    const state: SavedState = {
      v: 1,
      uri: this.uri,
      graph: this.graph,
      collapsed: [...this.collapsed],
      known: [...this.known],
      view: this.hasView ? this.panZoom.transform : undefined,
    };
    this.host.setState(state);
  }

  // ---- collapse, reveal, highlight ----------------------------------------------------------

  /** Toggles an instance and shifts the view so the instance stays where it was on screen. */
  private async toggle(groupId: string): Promise<void> {
    const key = groupKey(groupId);
    const before = this.boxRect(key);
    const hadFocus = this.svg.contains(document.activeElement);
    if (this.collapsed.has(groupId)) this.collapsed.delete(groupId);
    else this.collapsed.add(groupId);
    const seq = ++this.sequence;
    await this.relayout(seq);
    const after = this.boxRect(key);
    const t = this.panZoom.transform;
    if (before && after) this.panZoom.set({ x: t.x - (after.x - before.x) * t.k, y: t.y - (after.y - before.y) * t.k, k: t.k });
    // Keep keyboard focus on the instance that was toggled.
    const focusable = this.drawing?.boxes.get(key) ?? this.firstBoxIn(groupId);
    if (hadFocus) focusable?.focus({ preventScroll: true });
  }

  private firstBoxIn(groupId: string): SVGGElement | undefined {
    return this.viewport.querySelector<SVGGElement>(`.node[data-group="${CSS.escape(groupId)}"]`) ?? undefined;
  }

  private boxRect(key: string): Rect | undefined {
    return this.layout?.boxes.find((b) => b.key === key) ?? this.layout?.frames.find((f) => f.key === key);
  }

  private async setAll(collapse: boolean): Promise<void> {
    this.collapsed = collapse && this.graph ? new Set(this.graph.groups.map((g) => g.id)) : new Set();
    await this.relayout(++this.sequence);
    this.fit();
  }

  private reveal(key: string): void {
    const box = this.layout?.boxes.find((b) => b.key === key);
    if (!box) return;
    const item = box.item;
    const nodeId = item.type === 'layer' ? item.node.id : item.group.id;
    const range = item.type === 'layer' ? item.node.range : item.group.range;
    this.host.postMessage({ type: 'reveal', nodeId, range });
  }

  private highlight(nodeId: string | null): void {
    this.highlighted = nodeId;
    this.applyHighlight(true);
  }

  /** Marks the layer's box, or the collapsed instance hiding it; scrolls it into view when asked. */
  private applyHighlight(scroll: boolean): void {
    for (const el of this.viewport.querySelectorAll('.highlight')) el.classList.remove('highlight');
    const key = this.highlighted === null ? undefined : this.visibleKeyOf(this.highlighted);
    const el = key ? this.drawing?.boxes.get(key) : undefined;
    if (!el || !key) return;
    el.classList.add('highlight');
    if (scroll) this.scrollIntoView(key);
  }

  private visibleKeyOf(nodeId: string): string | undefined {
    const node = this.graph?.nodes.find((n) => n.id === nodeId);
    if (!node || !this.drawing) return undefined;
    if (this.drawing.boxes.has(layerKey(nodeId))) return layerKey(nodeId);
    const groups = new Map(this.graph!.groups.map((g) => [g.id, g]));
    let outermost: string | undefined;
    for (let g = node.group ? groups.get(node.group) : undefined; g; g = g.parent ? groups.get(g.parent) : undefined) {
      if (this.collapsed.has(g.id)) outermost = g.id;
    }
    return outermost && groupKey(outermost);
  }

  private scrollIntoView(key: string): void {
    const r = this.boxRect(key);
    const v = this.panZoom.visibleRect();
    if (!r) return;
    const visible = r.x >= v.x && r.y >= v.y && r.x + r.width <= v.x + v.width && r.y + r.height <= v.y + v.height;
    if (!visible) this.panZoom.centerOn(r.x + r.width / 2, r.y + r.height / 2);
  }

  // ---- input --------------------------------------------------------------------------------

  private onClick(e: MouseEvent): void {
    if (this.panZoom.suppressClick) return;
    const target = e.target as Element;
    const frameGroup = target.closest('.frame-title')?.getAttribute('data-group');
    const node = target.closest('.node');
    if (node) return this.activate(node, 'click');
    if (frameGroup) void this.toggle(frameGroup);
  }

  /**
   * Click or Enter on a layer reveals it; Enter on a collapsed instance reveals its call. Click or Space on a
   * collapsed instance expands it; Space on a layer collapses the instance around it.
   */
  private activate(node: Element, how: 'click' | 'enter' | 'space'): void {
    const key = node.getAttribute('data-key') ?? '';
    const isGroup = node.classList.contains('group');
    if (how === 'enter' || (how === 'click' && !isGroup)) return this.reveal(key);
    const target = isGroup ? node.getAttribute('data-id') : node.getAttribute('data-group');
    if (target) void this.toggle(target);
  }

  private onNodeKey(e: KeyboardEvent): void {
    const node = (e.target as Element).closest('.node');
    if (!node || (e.key !== 'Enter' && e.key !== ' ')) return;
    e.preventDefault();
    e.stopPropagation();
    this.activate(node, e.key === 'Enter' ? 'enter' : 'space');
  }

  private onKey(e: KeyboardEvent): void {
    if (e.altKey || e.ctrlKey || e.metaKey || (e.target as Element).closest?.('button')) return;
    const t = this.panZoom.transform;
    const actions: Record<string, () => void> = {
      '+': () => this.panZoom.zoomBy(ZOOM_STEP),
      '=': () => this.panZoom.zoomBy(ZOOM_STEP),
      '-': () => this.panZoom.zoomBy(1 / ZOOM_STEP),
      '0': () => this.fit(),
      ArrowLeft: () => this.panZoom.set({ ...t, x: t.x + PAN_STEP }),
      ArrowRight: () => this.panZoom.set({ ...t, x: t.x - PAN_STEP }),
      ArrowUp: () => this.panZoom.set({ ...t, y: t.y + PAN_STEP }),
      ArrowDown: () => this.panZoom.set({ ...t, y: t.y - PAN_STEP }),
    };
    const action = actions[e.key];
    if (!action) return;
    e.preventDefault();
    action();
  }

  /** Tabbing to a box outside the view brings it into view. */
  private onFocus(e: FocusEvent): void {
    const key = (e.target as Element).closest?.('.node')?.getAttribute('data-key');
    if (key) this.scrollIntoView(key);
  }

  private async onAction(a: ToolbarAction): Promise<void> {
    switch (a) {
      case 'zoom-in':
        return this.panZoom.zoomBy(ZOOM_STEP);
      case 'zoom-out':
        return this.panZoom.zoomBy(1 / ZOOM_STEP);
      case 'fit':
        return this.fit();
      case 'collapse-all':
        return this.setAll(true);
      case 'expand-all':
        return this.setAll(false);
      case 'export-svg':
        return this.export('svg');
      case 'export-png':
        return this.export('png');
    }
  }

  private async export(format: ExportFormat): Promise<void> {
    const layout = this.layout;
    if (!layout || !this.graph) return;
    const background = getComputedStyle(document.body).backgroundColor;
    const svg = exportSvg({ defs: this.defs, content: this.viewport, width: layout.width, height: layout.height, background });
    const data = format === 'svg' ? svg : await exportPng(svg, layout.width, layout.height);
    this.host.postMessage({ type: 'export', format, fileName: `${this.graph.model}.${format}`, data });
  }
}

function stringArray(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function isTransform(v: unknown): v is ViewTransform {
  const t = v as ViewTransform | undefined;
  return !!t && [t.x, t.y, t.k].every((n) => typeof n === 'number' && Number.isFinite(n)) && t.k > 0;
}

/** The editor's font size in CSS pixels, as VS Code gives it to webviews (13 when it does not). */
function editorFontPx(): number {
  const style = getComputedStyle(document.documentElement);
  const px = parseFloat(style.getPropertyValue('--vscode-editor-font-size')) || parseFloat(style.getPropertyValue('--vscode-font-size'));
  return Number.isFinite(px) && px > 0 ? px : 13;
}
