// `stride/modelGraph`: ide's model graph with spans turned into LSP ranges; nothing else is computed here.

import { modelGraph as graphFacts } from '../ide/model-graph';
import { MAX_GRAPH_NODES, type ModelGraphParams, type ModelGraphResult, type Position } from '../protocol/lsp-ext';
import type { Snapshot } from './documents';

/** The offset of a request's optional position, for ide's `modelAt`. */
export function offsetOf(snap: Snapshot, position: Position | undefined): number | undefined {
  return position ? snap.lines.offsetAt(position) : undefined;
}

export function modelGraph(snap: Snapshot, params: ModelGraphParams): ModelGraphResult | null {
  const graph = graphFacts(snap.analysis, { name: params.model, offset: offsetOf(snap, params.position) }, MAX_GRAPH_NODES);
  if (!graph) return null;
  const { instances, nodes: kept, nodeCount, ...rest } = graph;
  const cut = nodeCount > kept.length;
  const ids = new Set(kept.map((n) => n.id));
  const used = new Set(kept.flatMap((n) => n.blockPath));
  return {
    uri: snap.uri,
    version: snap.version,
    ...rest,
    ...(cut ? { inputs: rest.inputs.filter((id) => ids.has(id)), outputs: rest.outputs.filter((id) => ids.has(id)), truncatedFrom: nodeCount } : {}),
    nodes: kept.map(({ span, inputs, ...node }) => ({ ...node, inputs: cut ? inputs.filter((id) => ids.has(id)) : inputs, range: snap.lines.range(span) })),
    instances: instances.filter((i) => !cut || used.has(i.id)).map(({ span, ...instance }) => ({ ...instance, range: snap.lines.range(span) })),
  };
}
