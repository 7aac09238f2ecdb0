// Lays out the visible graph with ELK's layered algorithm: top-down, orthogonal edges, frames for expanded instances.

import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import { visibleGraph, type VisibleEdge, type VisibleFrame, type VisibleGraph, type VisibleItem } from './collapse';
import { FONT_SIZE, FRAME_TITLE, boxLines, boxSize, frameTitle, textWidth, type TextLine } from './text';
import type { PreviewGraph } from './types';

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface LaidOutBox extends Rect {
  readonly key: string;
  readonly item: VisibleItem;
  readonly lines: readonly TextLine[];
}

export interface LaidOutFrame extends Rect {
  readonly key: string;
  readonly frame: VisibleFrame;
  readonly title: string;
}

export interface LaidOutEdge {
  readonly key: string;
  readonly source: string;
  readonly target: string;
  /** Start, bends, end: an orthogonal polyline. */
  readonly points: readonly Point[];
  /** The tensor shape, written once per source just below it, beside the edge (baseline position). */
  readonly label?: Point & { readonly text: string };
}

export interface DiagramLayout {
  readonly width: number;
  readonly height: number;
  /** Drawn in this order: frames (outer first), then edges, then boxes. */
  readonly frames: readonly LaidOutFrame[];
  readonly boxes: readonly LaidOutBox[];
  readonly edges: readonly LaidOutEdge[];
}

/**
 * Fixed options: every run of the same graph gives the same drawing. Model order keeps the main path in source
 * order, so a skip connection bends around its block instead of swapping the block's layers. Edge labels are not
 * given to ELK: as label nodes they double the graph ELK lays out (measured ~2× slower), and every edge leaving a
 * layer carries the same shape, so one label under each source, placed here, says the same thing.
 */
/** Spacing applies per level, so frames repeat it for the layers inside them. */
const SPACING: Record<string, string> = {
  'elk.layered.spacing.nodeNodeBetweenLayers': '34',
  'elk.layered.spacing.edgeNodeBetweenLayers': '16',
  'elk.spacing.nodeNode': '28',
  'elk.spacing.edgeNode': '14',
  'elk.spacing.edgeEdge': '10',
};

const LAYOUT_OPTIONS: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  'elk.randomSeed': '1',
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
  'elk.spacing.componentComponent': '40',
  'elk.padding': '[top=16,left=16,bottom=16,right=16]',
  'elk.json.shapeCoords': 'ROOT',
  'elk.json.edgeCoords': 'ROOT',
  ...SPACING,
};

const FRAME_OPTIONS: Record<string, string> = {
  'elk.padding': `[top=${FRAME_TITLE + 8},left=12,bottom=12,right=12]`,
  'elk.nodeSize.constraints': 'MINIMUM_SIZE',
  ...SPACING,
};

let engine: InstanceType<typeof ELK> | undefined;

/** Lays out `graph` with the given instances collapsed. Coordinates are absolute, rounded to 0.1 px. */
export async function layoutGraph(graph: PreviewGraph, collapsed: ReadonlySet<string> = new Set()): Promise<DiagramLayout> {
  const visible = visibleGraph(graph, collapsed);
  const root = toElk(visible);
  engine ??= new ELK();
  const result = await engine.layout(root);
  return fromElk(result, visible);
}

function toElk({ items, frames, edges }: VisibleGraph): ElkNode {
  const root: ElkNode = { id: 'root', layoutOptions: LAYOUT_OPTIONS, children: [], edges: [] };
  const containers = new Map<string, ElkNode>();
  const childrenOf = (parent: string | undefined) => (parent ? containers.get(parent) : root)!.children!;
  for (const f of frames) {
    const minWidth = Math.ceil(textWidth(frameTitle(f.group)) + 24);
    // ELK 0.12 applies a compound node's minimum size transposed under direction DOWN with INCLUDE_CHILDREN
    // (measured: "(300, 40)" gave a 300-high frame), so the pair is given as (height, width).
    const minimum = `(${FRAME_TITLE + 20}, ${minWidth})`;
    const node: ElkNode = { id: f.key, layoutOptions: { ...FRAME_OPTIONS, 'elk.nodeSize.minimum': minimum }, children: [] };
    containers.set(f.key, node);
    childrenOf(f.parent).push(node);
  }
  for (const item of items) childrenOf(item.parent).push({ id: item.key, ...boxSize(boxLines(item)) });
  root.edges = edges.map((e): ElkExtendedEdge => ({ id: e.key, sources: [e.source], targets: [e.target] }));
  return root;
}

function fromElk(root: ElkNode, visible: VisibleGraph): DiagramLayout {
  const { items, frames } = visible;
  const shapes = new Map<string, ElkNode>();
  const walk = (n: ElkNode) => {
    for (const c of n.children ?? []) {
      shapes.set(c.id, c);
      walk(c);
    }
  };
  walk(root);
  const rect = (id: string): Rect => {
    const s = shapes.get(id)!;
    return { x: round(s.x ?? 0), y: round(s.y ?? 0), width: round(s.width ?? 0), height: round(s.height ?? 0) };
  };
  return {
    width: round(root.width ?? 0),
    height: round(root.height ?? 0),
    frames: frames.map((f) => ({ key: f.key, frame: f, title: frameTitle(f.group), ...rect(f.key) })),
    boxes: items.map((item) => ({ key: item.key, item, lines: boxLines(item), ...rect(item.key) })),
    edges: labelEdges(collectEdges(root, visible.edges), visible.edges),
  };
}

/** ELK may move an edge into the container it belongs to: gather them from every level, in the input order. */
function collectEdges(root: ElkNode, order: readonly VisibleEdge[]): Map<string, Point[]> {
  const points = new Map<string, Point[]>();
  const visit = (n: ElkNode) => {
    for (const e of n.edges ?? []) points.set(e.id, sectionPoints(e));
    for (const c of n.children ?? []) visit(c);
  };
  visit(root);
  return new Map(order.map((e) => [e.key, points.get(e.key) ?? []]));
}

function sectionPoints(e: ElkExtendedEdge): Point[] {
  const points: Point[] = [];
  for (const s of e.sections ?? []) {
    for (const p of [s.startPoint, ...(s.bendPoints ?? []), s.endPoint]) points.push({ x: round(p.x), y: round(p.y) });
  }
  return points;
}

/** The first edge out of each box carries the label, just right of where it leaves the box. */
function labelEdges(points: ReadonlyMap<string, Point[]>, edges: readonly VisibleEdge[]): LaidOutEdge[] {
  const labelled = new Set<string>();
  return edges.map((e) => {
    const pts = points.get(e.key) ?? [];
    const first = labelled.has(e.source) || pts.length === 0 ? undefined : pts[0];
    labelled.add(e.source);
    const label = first ? { text: e.label, x: round(first.x + 5), y: round(first.y + FONT_SIZE) } : undefined;
    return { key: e.key, source: e.source, target: e.target, points: pts, label };
  });
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}
