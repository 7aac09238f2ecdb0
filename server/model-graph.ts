// `stride/modelGraph`: the analysed graph of one model, with ranges, per-node facts and diagnostics, for views.

import type { ModelAnalysis } from '../core/analyze';
import type { Diagnostic } from '../core/diagnostics';
import type { LayerInfo } from '../core/model/infer';
import type { GraphNodeInfo, ModelGraphParams, ModelGraphResult, NodeDiagnostic, Position } from '../protocol/lsp-ext';
import type { Snapshot } from './documents';
import { keyArgs } from './describe';

/** The model named, else the one containing `offset`, else the first. */
export function pickModel(snap: Snapshot, name?: string, offset?: number): ModelAnalysis | undefined {
  const models = snap.analysis.models;
  if (typeof name === 'string' && name !== '') return models.find((m) => m.graph.name === name);
  if (offset !== undefined) {
    const at = models.find((m) => m.graph.span.start <= offset && offset <= m.graph.span.end);
    if (at) return at;
    const train = snap.analysis.trains.find((t) => t.span.start <= offset && offset <= t.span.end);
    const trained = train && models.find((m) => m.graph.name === train.model);
    if (trained) return trained;
  }
  return models[0];
}

export function offsetOf(snap: Snapshot, position: Position | undefined): number | undefined {
  return position ? snap.lines.offset(position) : undefined;
}

export function modelGraph(snap: Snapshot, params: ModelGraphParams): ModelGraphResult | null {
  const model = pickModel(snap, params.model);
  if (!model) return null;
  const diagnostics = snap.analysis.diagnostics;
  return {
    uri: snap.uri,
    version: snap.version,
    model: model.graph.name,
    models: snap.analysis.models.map((m) => m.graph.name),
    nodes: model.layers.map((info) => nodeInfo(snap, info, diagnostics)),
    inputs: model.graph.inputs,
    outputs: model.graph.outputs,
    totals: model.totals,
  };
}

function nodeInfo(snap: Snapshot, info: LayerInfo, diagnostics: readonly Diagnostic[]): GraphNodeInfo {
  const node = info.node;
  return {
    id: node.id,
    name: node.name,
    kind: node.kind,
    args: keyArgs(node),
    outputShape: info.shape,
    params: info.params.trainable + info.params.nonTrainable,
    trainable: info.params.trainable,
    nonTrainable: info.params.nonTrainable,
    macs: info.macs,
    inputs: node.inputs,
    range: snap.lines.range(node.span),
    blockPath: node.callSites.map((c) => c.instance),
    diagnostics: nodeDiagnostics(node.span, diagnostics),
  };
}

/** Diagnostics located inside the node's call: its arguments, its name or the call as a whole. */
function nodeDiagnostics(span: { start: number; end: number }, diagnostics: readonly Diagnostic[]): NodeDiagnostic[] {
  const out: NodeDiagnostic[] = [];
  for (const d of diagnostics) {
    if (d.span.start >= span.start && d.span.end <= span.end) out.push({ code: d.code, severity: d.severity, message: d.message });
  }
  return out;
}
