// `stride/modelGraph`: ide's model graph with spans turned into LSP ranges; nothing else is computed here.

import { modelGraph as graphFacts } from '../ide/model-graph';
import type { ModelGraphParams, ModelGraphResult, Position } from '../protocol/lsp-ext';
import type { Snapshot } from './documents';

/** The offset of a request's optional position, for ide's `modelAt`. */
export function offsetOf(snap: Snapshot, position: Position | undefined): number | undefined {
  return position ? snap.lines.offsetAt(position) : undefined;
}

export function modelGraph(snap: Snapshot, params: ModelGraphParams): ModelGraphResult | null {
  const graph = graphFacts(snap.analysis, { name: params.model, offset: offsetOf(snap, params.position) });
  if (!graph) return null;
  const { instances, nodes, ...rest } = graph;
  return {
    uri: snap.uri,
    version: snap.version,
    ...rest,
    nodes: nodes.map(({ span, ...node }) => ({ ...node, range: snap.lines.range(span) })),
    instances: instances.map(({ span, ...instance }) => ({ ...instance, range: snap.lines.range(span) })),
  };
}
