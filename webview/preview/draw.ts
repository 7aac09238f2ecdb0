// Draws a laid-out diagram as SVG: frames, orthogonal edges with shape labels, and focusable boxes.

import { formatCompact, formatInt } from '../../core/model/values';
import type { DiagramLayout, LaidOutBox, LaidOutEdge, LaidOutFrame } from '../layout/layout';
import { LINE_HEIGHT, PAD_X, PAD_Y, textWidth } from '../layout/text';
import type { PreviewDiagnostic } from '../layout/types';
import { svgEl, svgText, svgTitle } from './dom';

export interface Drawing {
  /** Box elements by layout key (`n:<layer>` or `g:<instance>`). */
  readonly boxes: ReadonlyMap<string, SVGGElement>;
  readonly frames: ReadonlyMap<string, SVGGElement>;
}

const ACCENT_WIDTH = 4;
/** Edge labels are 10 px against the boxes' 12 px. */
const EDGE_LABEL_SCALE = 10 / 12;

/** Replaces the content of `viewport` with the drawing of `layout`. */
export function drawDiagram(viewport: SVGGElement, layout: DiagramLayout): Drawing {
  viewport.replaceChildren();
  const frames = new Map<string, SVGGElement>();
  const boxes = new Map<string, SVGGElement>();
  const frameLayer = svgEl('g', { class: 'frames' });
  for (const f of layout.frames) frames.set(f.key, frameLayer.appendChild(drawFrame(f)));
  const edgeLayer = svgEl('g', { class: 'edges' });
  for (const e of layout.edges) edgeLayer.appendChild(drawEdge(e));
  // Titles go above the edges: a skip connection running along a frame must not strike through its title.
  const titleLayer = svgEl('g', { class: 'frame-titles' });
  for (const f of layout.frames) titleLayer.appendChild(frameTitleText(f));
  const boxLayer = svgEl('g', { class: 'boxes' });
  for (const b of layout.boxes) boxes.set(b.key, boxLayer.appendChild(drawBox(b)));
  viewport.append(frameLayer, edgeLayer, titleLayer, boxLayer);
  return { boxes, frames };
}

/** The arrow head, defined once per SVG. */
export function arrowMarker(): SVGDefsElement {
  const path = svgEl('path', { d: 'M0,0 L8,4 L0,8 z' });
  const marker = svgEl('marker', { id: 'arrow', viewBox: '0 0 8 8', refX: 8, refY: 4, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, [path]);
  return svgEl('defs', {}, [marker]);
}

function drawFrame(f: LaidOutFrame): SVGGElement {
  const g = f.frame.group;
  const errors = g.diagnostics.some((d) => d.severity === 'error');
  return svgEl('g', { class: `frame${errors ? ' error' : ''}`, 'data-key': f.key, 'data-group': g.id }, [
    svgEl('rect', { x: f.x, y: f.y, width: f.width, height: f.height, rx: 6 }),
    svgTitle(frameTooltip(f)),
  ]);
}

function frameTitleText(f: LaidOutFrame): SVGGElement {
  const text = svgText(f.title, { x: f.x + 10, y: f.y + 18, class: 'frame-title', 'data-group': f.frame.group.id });
  text.appendChild(svgTitle(frameTooltip(f)));
  return svgEl('g', {}, [labelBacking(f.x + 7, f.y + 5, textWidth(f.title) + 6, 18), text]);
}

function labelBacking(x: number, y: number, width: number, height: number): SVGRectElement {
  return svgEl('rect', { class: 'label-bg', x, y, width, height, rx: 2 });
}

function frameTooltip(f: LaidOutFrame): string {
  const g = f.frame.group;
  return `${g.label} (${g.id}): ${g.layers} layers, ${formatInt(g.params)} parameters, ${formatCompact(g.macs)} MACs. Click the title, or press Space on a layer inside, to collapse.`;
}

function drawEdge(e: LaidOutEdge): SVGGElement {
  const d = e.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x},${p.y}`).join(' ');
  const g = svgEl('g', { 'data-key': e.key }, [svgEl('path', { d, class: 'edge', 'marker-end': 'url(#arrow)' })]);
  if (e.label) {
    const width = textWidth(e.label.text) * EDGE_LABEL_SCALE;
    g.append(labelBacking(e.label.x - 2, e.label.y - 9, width + 4, 12), svgText(e.label.text, { x: e.label.x, y: e.label.y, class: 'edge-label' }));
  }
  return g;
}

function drawBox(b: LaidOutBox): SVGGElement {
  const diagnostics = b.item.type === 'layer' ? b.item.node.diagnostics : b.item.group.diagnostics;
  const severity = diagnostics.some((d) => d.severity === 'error') ? ' error' : diagnostics.length > 0 ? ' warning' : '';
  const id = b.item.type === 'layer' ? b.item.node.id : b.item.group.id;
  const g = svgEl('g', {
    class: `node${b.item.type === 'group' ? ' group' : ''}${severity}`,
    'data-key': b.key,
    'data-id': id,
    // Space on a layer collapses the instance it belongs to: frames stay out of the tab order, which follows the flow.
    'data-group': b.item.type === 'layer' ? b.item.node.group : undefined,
    tabindex: 0,
    role: 'button',
    'aria-label': ariaLabel(b, diagnostics),
  });
  g.appendChild(svgEl('rect', { class: 'body', x: b.x, y: b.y, width: b.width, height: b.height, rx: 4 }));
  g.appendChild(svgEl('rect', { class: `accent ${category(b)}`, x: b.x + 1, y: b.y + 1, width: ACCENT_WIDTH, height: b.height - 2, rx: 2 }));
  b.lines.forEach((line, i) => {
    g.appendChild(svgText(line.text, { x: b.x + PAD_X, y: b.y + PAD_Y + (i + 1) * LINE_HEIGHT - 4, class: line.role }));
  });
  g.appendChild(svgTitle(tooltip(b, diagnostics)));
  return g;
}

function tooltip(b: LaidOutBox, diagnostics: readonly PreviewDiagnostic[]): string {
  const problems = diagnostics.map((d) => `${d.severity}: ${d.message}`);
  if (b.item.type === 'group') {
    const g = b.item.group;
    return [
      `${g.label} (${g.id}): ${g.layers} layers, ${formatInt(g.params)} parameters, ${formatCompact(g.macs)} MACs`,
      'Click or Space to expand.',
      ...problems,
    ].join('\n');
  }
  const n = b.item.node;
  const params = n.params > 0 ? `${formatInt(n.params)} parameters${n.formula ? ` (${n.formula})` : ''}` : 'no parameters';
  return [`${n.id}: ${n.kind}${n.args ? `(${n.args})` : ''}`, `output ${n.shape}`, params, `${formatCompact(n.macs)} MACs`, ...problems].join('\n');
}

function ariaLabel(b: LaidOutBox, diagnostics: readonly PreviewDiagnostic[]): string {
  const text = b.lines.map((l) => l.text.replace('▸ ', 'collapsed block ')).join(', ');
  return diagnostics.length > 0 ? `${text}, ${diagnostics.length} problem${diagnostics.length === 1 ? '' : 's'}` : text;
}

/** Colour family of the accent bar, from the layer kind. */
function category(b: LaidOutBox): string {
  if (b.item.type === 'group') return 'cat-other';
  const kind = b.item.node.kind;
  if (kind.includes('conv')) return 'cat-conv';
  if (kind.includes('pool') || kind.includes('upsample') || kind.includes('zeropad')) return 'cat-pool';
  if (kind.includes('norm') || kind === 'dropout') return 'cat-norm';
  if (kind === 'add' || kind === 'concat' || kind === 'multiply' || kind === 'subtract') return 'cat-merge';
  if (kind === 'dense' || kind === 'flatten' || kind === 'reshape') return 'cat-dense';
  if (kind === 'input') return 'cat-other';
  return 'cat-act';
}
