// `stride/modelGraph`: ide's model graph with spans turned into LSP ranges; nothing else is computed here.

import type { ModelAnalysis } from '../core/analyze';
import { findModel } from '../ide/model-at';
import { modelGraph as graphFacts } from '../ide/model-graph';
import type { ModelGraphParams, ModelGraphResult, Position } from '../protocol/lsp-ext';
import type { Snapshot } from './documents';

/** The model a request names or points into, by ide's one rule (`modelAt`). */
export function pickModel(snap: Snapshot, name?: string, offset?: number): ModelAnalysis | undefined {
  return findModel(snap.analysis, { name, offset });
}

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
