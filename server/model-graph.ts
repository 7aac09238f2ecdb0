// `stride/modelGraph`: the analysed graph of one model, with ranges, per-node facts and diagnostics, for views.

import type { ModelAnalysis } from '../core/analyze';
import type { Diagnostic } from '../core/diagnostics';
import type { GraphNode } from '../core/model/graph';
import type { LayerInfo } from '../core/model/infer';
import type { BlockInstanceInfo, GraphNodeInfo, ModelGraphParams, ModelGraphResult, NodeDiagnostic, Position } from '../protocol/lsp-ext';
import type { Snapshot } from './documents';
import { keyArgs } from '../ide/signatures';
import { findModel } from '../ide/model-at';

/** The model a request names or points into, by ide's one rule (`modelAt`). */
export function pickModel(snap: Snapshot, name?: string, offset?: number): ModelAnalysis | undefined {
  return findModel(snap.analysis, { name, offset });
}

export function offsetOf(snap: Snapshot, position: Position | undefined): number | undefined {
  return position ? snap.lines.offsetAt(position) : undefined;
}

export function modelGraph(snap: Snapshot, params: ModelGraphParams): ModelGraphResult | null {
  const model = pickModel(snap, params.model, offsetOf(snap, params.position));
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
    instances: instances(snap, model.layers),
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
    diagnostics: nodeDiagnostics(node, diagnostics),
  };
}

/** Every block call, from the layers' call-site chains, in order of first appearance (so parents come first). */
function instances(snap: Snapshot, layers: readonly LayerInfo[]): BlockInstanceInfo[] {
  const seen = new Map<string, BlockInstanceInfo>();
  for (const layer of layers) {
    layer.node.callSites.forEach((site, depth) => {
      if (seen.has(site.instance)) return;
      const parent = depth > 0 ? layer.node.callSites[depth - 1].instance : undefined;
      const label = oneLine(site.text);
      const range = snap.lines.range(site.span);
      seen.set(
        site.instance,
        parent === undefined ? { id: site.instance, block: site.block, label, range } : { id: site.instance, block: site.block, label, parent, range },
      );
    });
  }
  return [...seen.values()];
}

/** Call text for a label: whitespace collapsed, long calls shortened. */
function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 48 ? `${flat.slice(0, 47)}…` : flat;
}

/**
 * Diagnostics located inside the node's call: its arguments, its name or the call as a whole. Inside a block body,
 * only for the instances the diagnostic names as call sites (related "in …" notes), not every instance of the block.
 */
function nodeDiagnostics(node: GraphNode, diagnostics: readonly Diagnostic[]): NodeDiagnostic[] {
  const out: NodeDiagnostic[] = [];
  for (const d of diagnostics) {
    if (belongsToNode(d, node)) out.push({ code: d.code, severity: d.severity, message: d.message });
  }
  return out;
}

function belongsToNode(d: Diagnostic, node: GraphNode): boolean {
  if (d.span.start < node.span.start || d.span.end > node.span.end) return false;
  const sites = (d.related ?? []).filter((r) => r.message.startsWith('in '));
  if (node.callSites.length === 0 || sites.length === 0) return true;
  const outer = node.callSites[0].span;
  return sites.some((r) => r.span.start === outer.start && r.span.end === outer.end);
}
