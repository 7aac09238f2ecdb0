// Draws a laid-out diagram as an SVG tree: frames, orthogonal edges with shape labels, and boxes. No DOM: the
// preview materialises the tree, the CLI serialises it, so both show the very same drawing.

import { formatCompact, formatInt } from '../../core/model/values';
import type { DiagramLayout, LaidOutBox, LaidOutEdge, LaidOutFrame } from '../layout/layout';
import { LINE_HEIGHT, PAD_X, PAD_Y, textWidth } from '../layout/text';
import type { PreviewDiagnostic } from '../layout/types';
import { el, textEl, type SvgNode } from './svg-tree';

export interface DrawOptions {
  /**
   * The preview's boxes are focusable buttons whose tooltips say how to collapse and expand; a file has
   * no such interaction, so it gets neither the tab stops nor the hints.
   */
  readonly interactive: boolean;
}

const ACCENT_WIDTH = 4;
/** Edge labels are 10 px against the boxes' 12 px. */
const EDGE_LABEL_SCALE = 10 / 12;

/** The drawing's four layers, in paint order: frames, edges, frame titles, boxes. */
export function diagramLayers(layout: DiagramLayout, options: DrawOptions): SvgNode[] {
  return [
    el(
      'g',
      { class: 'frames' },
      layout.frames.map((f) => drawFrame(f, options)),
    ),
    el('g', { class: 'edges' }, layout.edges.map(drawEdge)),
    // Titles go above the edges: a skip connection running along a frame must not strike through its title.
    el(
      'g',
      { class: 'frame-titles' },
      layout.frames.map((f) => frameTitleText(f, options)),
    ),
    el(
      'g',
      { class: 'boxes' },
      layout.boxes.map((b) => drawBox(b, options)),
    ),
  ];
}

/** The arrow head, defined once per SVG. */
export function arrowDefs(): SvgNode {
  const path = el('path', { d: 'M0,0 L8,4 L0,8 z' });
  const marker = el('marker', { id: 'arrow', viewBox: '0 0 8 8', refX: 8, refY: 4, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, [path]);
  return el('defs', {}, [marker]);
}

function drawFrame(f: LaidOutFrame, options: DrawOptions): SvgNode {
  const g = f.frame.group;
  const errors = g.diagnostics.some((d) => d.severity === 'error');
  return el('g', { class: `frame${errors ? ' error' : ''}`, 'data-key': f.key, 'data-group': g.id }, [
    el('rect', { x: f.x, y: f.y, width: f.width, height: f.height, rx: 6 }),
    textEl('title', frameTooltip(f, options)),
  ]);
}

function frameTitleText(f: LaidOutFrame, options: DrawOptions): SvgNode {
  const text = textEl('text', f.title, { x: f.x + 10, y: f.y + 18, class: 'frame-title', 'data-group': f.frame.group.id }, [
    textEl('title', frameTooltip(f, options)),
  ]);
  return el('g', {}, [labelBacking(f.x + 7, f.y + 5, textWidth(f.title) + 6, 18), text]);
}

function labelBacking(x: number, y: number, width: number, height: number): SvgNode {
  return el('rect', { class: 'label-bg', x, y, width, height, rx: 2 });
}

function frameTooltip(f: LaidOutFrame, options: DrawOptions): string {
  const g = f.frame.group;
  const facts = `${g.label} (${g.id}): ${g.layers} layers, ${formatInt(g.params)} parameters, ${formatCompact(g.macs)} MACs.`;
  return options.interactive ? `${facts} Click the title, or press Space on a layer inside, to collapse.` : facts;
}

function drawEdge(e: LaidOutEdge): SvgNode {
  const d = e.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x},${p.y}`).join(' ');
  const children = [el('path', { d, class: 'edge', 'marker-end': 'url(#arrow)' })];
  if (e.label) {
    const width = textWidth(e.label.text) * EDGE_LABEL_SCALE;
    children.push(labelBacking(e.label.x - 2, e.label.y - 9, width + 4, 12), textEl('text', e.label.text, { x: e.label.x, y: e.label.y, class: 'edge-label' }));
  }
  return el('g', { 'data-key': e.key }, children);
}

function drawBox(b: LaidOutBox, options: DrawOptions): SvgNode {
  const diagnostics = b.item.type === 'layer' ? b.item.node.diagnostics : b.item.group.diagnostics;
  const severity = diagnostics.some((d) => d.severity === 'error') ? ' error' : diagnostics.length > 0 ? ' warning' : '';
  const id = b.item.type === 'layer' ? b.item.node.id : b.item.group.id;
  const attrs = {
    class: `node${b.item.type === 'group' ? ' group' : ''}${severity}`,
    'data-key': b.key,
    'data-id': id,
    // Space on a layer collapses the instance it belongs to: frames stay out of the tab order, which follows the flow.
    'data-group': b.item.type === 'layer' ? b.item.node.group : undefined,
    tabindex: options.interactive ? 0 : undefined,
    role: options.interactive ? 'button' : undefined,
    'aria-label': ariaLabel(b, diagnostics),
  };
  const lines = b.lines.map((line, i) => textEl('text', line.text, { x: b.x + PAD_X, y: b.y + PAD_Y + (i + 1) * LINE_HEIGHT - 4, class: line.role }));
  return el('g', attrs, [
    el('rect', { class: 'body', x: b.x, y: b.y, width: b.width, height: b.height, rx: 4 }),
    el('rect', { class: `accent ${category(b)}`, x: b.x + 1, y: b.y + 1, width: ACCENT_WIDTH, height: b.height - 2, rx: 2 }),
    ...lines,
    textEl('title', tooltip(b, diagnostics, options)),
  ]);
}

function tooltip(b: LaidOutBox, diagnostics: readonly PreviewDiagnostic[], options: DrawOptions): string {
  const problems = diagnostics.map((d) => `${d.severity}: ${d.message}`);
  if (b.item.type === 'group') {
    const g = b.item.group;
    return [
      `${g.label} (${g.id}): ${g.layers} layers, ${formatInt(g.params)} parameters, ${formatCompact(g.macs)} MACs`,
      ...(options.interactive ? ['Click or Space to expand.'] : []),
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

/** Colour family of a box's accent bar: `cat-conv`, `cat-pool`, …; a collapsed instance is `cat-other`. */
function category(b: LaidOutBox): string {
  return b.item.type === 'group' ? 'cat-other' : kindCategory(b.item.node.kind);
}

/** Colour family of a layer kind, shared with the DOT output so both colour a layer alike. */
export function kindCategory(kind: string): Category {
  if (kind.includes('conv')) return 'cat-conv';
  if (kind.includes('pool') || kind.includes('upsample') || kind.includes('zeropad')) return 'cat-pool';
  if (kind.includes('norm') || kind === 'dropout') return 'cat-norm';
  if (kind === 'add' || kind === 'concat' || kind === 'multiply' || kind === 'subtract') return 'cat-merge';
  if (kind === 'dense' || kind === 'flatten' || kind === 'reshape') return 'cat-dense';
  if (kind === 'input') return 'cat-other';
  return 'cat-act';
}

export type Category = 'cat-conv' | 'cat-pool' | 'cat-norm' | 'cat-merge' | 'cat-dense' | 'cat-act' | 'cat-other';
