// Finds the layer under an editor position, so the preview can highlight what the cursor is on.

import type { PreviewGraph, PreviewPosition, PreviewRange } from './types';

/**
 * The layer whose call contains `pos`; in a block body, the layer of the first instance; on a block call, the
 * first layer of that instance. Undefined when the position is on no layer.
 */
export function nodeAtPosition(graph: PreviewGraph, pos: PreviewPosition): string | undefined {
  const layer = graph.nodes.find((n) => contains(n.range, pos));
  if (layer) return layer.id;
  const group = graph.groups.find((g) => g.parent === undefined && contains(g.range, pos));
  return group ? graph.nodes.find((n) => n.group === group.id || n.id.startsWith(`${group.id}/`))?.id : undefined;
}

function contains(range: PreviewRange, pos: PreviewPosition): boolean {
  return !before(pos, range.start) && !before(range.end, pos);
}

function before(a: PreviewPosition, b: PreviewPosition): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}
