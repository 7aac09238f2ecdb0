// What is drawn for a set of collapsed block instances: layers, collapsed instances as single boxes, frames, merged edges.

import type { PreviewEdge, PreviewGraph, PreviewGroup, PreviewNode } from './types';

/** A box in the drawing: a layer, or a collapsed block instance standing for all its layers. */
export type VisibleItem =
  | { readonly type: 'layer'; readonly key: string; readonly parent?: string; readonly node: PreviewNode }
  | { readonly type: 'group'; readonly key: string; readonly parent?: string; readonly group: PreviewGroup };

/** An expanded block instance: a frame around its members. */
export interface VisibleFrame {
  readonly key: string;
  readonly parent?: string;
  readonly group: PreviewGroup;
}

export interface VisibleEdge {
  readonly key: string;
  readonly source: string;
  readonly target: string;
  readonly label: string;
}

export interface VisibleGraph {
  readonly items: readonly VisibleItem[];
  readonly frames: readonly VisibleFrame[];
  readonly edges: readonly VisibleEdge[];
}

/** Keys keep layers and instances apart even when a tensor and an instance share a name. */
export const layerKey = (id: string): string => `n:${id}`;
export const groupKey = (id: string): string => `g:${id}`;

export function visibleGraph(graph: PreviewGraph, collapsed: ReadonlySet<string>): VisibleGraph {
  const groups = new Map(graph.groups.map((g) => [g.id, g]));
  const chainOf = (groupId: string | undefined): PreviewGroup[] => {
    const chain: PreviewGroup[] = [];
    for (let g = groupId ? groups.get(groupId) : undefined; g; g = g.parent ? groups.get(g.parent) : undefined) chain.unshift(g);
    return chain;
  };
  // The outermost collapsed instance hides everything inside it.
  const hiddenBy = (groupId: string | undefined): PreviewGroup | undefined => chainOf(groupId).find((g) => collapsed.has(g.id));

  const frames: VisibleFrame[] = [];
  const items: VisibleItem[] = [];
  const placed = new Set<string>();
  for (const g of graph.groups) {
    if (hiddenBy(g.parent)) continue;
    if (!collapsed.has(g.id)) frames.push({ key: groupKey(g.id), parent: g.parent && groupKey(g.parent), group: g });
  }
  const repOf = new Map<string, string>();
  for (const node of graph.nodes) {
    const hider = hiddenBy(node.group);
    if (!hider) {
      items.push({ type: 'layer', key: layerKey(node.id), parent: node.group && groupKey(node.group), node });
      repOf.set(node.id, layerKey(node.id));
      continue;
    }
    const key = groupKey(hider.id);
    repOf.set(node.id, key);
    if (placed.has(key)) continue;
    placed.add(key);
    items.push({ type: 'group', key, parent: hider.parent && groupKey(hider.parent), group: hider });
  }
  return { items, frames, edges: mergeEdges(graph.edges, repOf) };
}

/** Re-targets edges to the visible boxes; edges inside a collapsed instance vanish, parallel ones merge. */
function mergeEdges(edges: readonly PreviewEdge[], repOf: ReadonlyMap<string, string>): VisibleEdge[] {
  const out: VisibleEdge[] = [];
  const seen = new Set<string>();
  for (const e of edges) {
    const source = repOf.get(e.source);
    const target = repOf.get(e.target);
    if (!source || !target || source === target) continue;
    const key = `${source}->${target}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ key, source, target, label: e.label });
  }
  return out;
}

/** Every instance id, for "collapse all". */
export function allGroupIds(graph: PreviewGraph): string[] {
  return graph.groups.map((g) => g.id);
}

/**
 * Above this many layers the first drawing shows top-level instances collapsed: a fully expanded DenseNet-121
 * (427 layers) takes ELK about a second, the collapsed view well under the 300 ms budget (bench/README.md).
 */
export const AUTO_COLLAPSE_LAYERS = 120;

/** The instances a fresh drawing starts with collapsed. */
export function defaultCollapsed(graph: PreviewGraph): string[] {
  if (graph.nodes.length <= AUTO_COLLAPSE_LAYERS) return [];
  return graph.groups.filter((g) => g.parent === undefined).map((g) => g.id);
}
