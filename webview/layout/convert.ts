// Turns the core's analysis of one model into the preview's plain-data graph (pure; used by server or client).

import type { Analysis, ModelAnalysis } from '../../core/analyze';
import type { Diagnostic } from '../../core/diagnostics';
import type { GraphNode } from '../../core/model/graph';
import type { LayerInfo } from '../../core/model/infer';
import { estimateTrainingMemory } from '../../core/model/memory';
import { formatShapeShort } from '../../core/model/values';
import type { Span } from '../../core/syntax/span';
import { LineIndex } from '../../ide/line-index';
import { keyArgs } from '../../ide/signatures';
import type { PreviewDiagnostic, PreviewEdge, PreviewGraph, PreviewGroup, PreviewNode, PreviewRange } from './types';

/** Batch size assumed for the memory estimate when the model has no `train` section. */
export const DEFAULT_BATCH = 32;
/** A tooltip stays readable; the Problems view has the rest. */
const MAX_NODE_DIAGNOSTICS = 20;

/** The named model (or the first one when the name is absent or unknown); undefined when the file has no model. */
export function toPreviewGraph(analysis: Analysis, modelName?: string): PreviewGraph | undefined {
  const model = analysis.models.find((m) => m.graph.name === modelName) ?? analysis.models[0];
  if (!model) return undefined;
  const lines = new LineIndex(analysis.text);
  const toRange = (s: Span): PreviewRange => ({ start: lines.position(s.start), end: lines.position(s.end) });
  const diagnostics = analysis.diagnostics.filter((d) => d.severity === 'error' || d.severity === 'warning');
  const nodes = model.layers.map((l) => toNode(l, toRange, diagnostics));
  return {
    model: model.graph.name,
    nodes,
    edges: toEdges(model.layers),
    groups: toGroups(model, toRange, diagnostics),
    totals: toTotals(model),
    errorCount: analysis.diagnostics.filter((d) => d.severity === 'error').length,
  };
}

function toNode(layer: LayerInfo, toRange: (s: Span) => PreviewRange, diagnostics: readonly Diagnostic[]): PreviewNode {
  const node = layer.node;
  const sites = node.callSites;
  return {
    id: node.name,
    kind: node.kind,
    args: keyArgs(node),
    shape: formatShapeShort(layer.shape),
    params: layer.params.trainable + layer.params.nonTrainable,
    trainable: layer.params.trainable,
    macs: layer.macs,
    formula: layer.params.formula,
    group: sites.length > 0 ? sites[sites.length - 1].instance : undefined,
    range: toRange(node.span),
    diagnostics: diagnostics
      .filter((d) => belongsToNode(d, node))
      .slice(0, MAX_NODE_DIAGNOSTICS)
      .map(toPreviewDiagnostic),
  };
}

/** A diagnostic marks a layer when it points into the call; inside blocks, only the instances it was reported for. */
function belongsToNode(d: Diagnostic, node: GraphNode): boolean {
  if (!within(d.span, node.span)) return false;
  if (node.callSites.length === 0 || !d.related || d.related.length === 0) return true;
  const outer = node.callSites[0].span;
  return d.related.some((r) => r.span.start === outer.start && r.span.end === outer.end) || !d.related.some((r) => isCallSiteNote(r.message));
}

function isCallSiteNote(message: string): boolean {
  return message.startsWith('in ');
}

function within(inner: Span, outer: Span): boolean {
  return inner.start >= outer.start && inner.end <= outer.end;
}

function toPreviewDiagnostic(d: Diagnostic): PreviewDiagnostic {
  return { severity: d.severity === 'error' ? 'error' : 'warning', code: d.code, message: d.message };
}

/** One edge per producer → consumer pair, labelled with the producer's output shape. */
function toEdges(layers: readonly LayerInfo[]): PreviewEdge[] {
  const edges: PreviewEdge[] = [];
  const seen = new Set<string>();
  for (const layer of layers) {
    for (const input of layer.node.inputs) {
      const source = layers[input];
      const key = `${source.node.name}\u0000${layer.node.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      edges.push({ source: source.node.name, target: layer.node.name, label: formatShapeShort(source.shape) });
    }
  }
  return edges;
}

interface GroupAcc {
  id: string;
  block: string;
  label: string;
  parent?: string;
  span: Span;
  layers: number;
  params: number;
  macs: number;
  last: LayerInfo;
}

/** Block instances in order of first appearance, with totals over everything nested inside. */
function toGroups(model: ModelAnalysis, toRange: (s: Span) => PreviewRange, diagnostics: readonly Diagnostic[]): PreviewGroup[] {
  const groups = new Map<string, GroupAcc>();
  for (const layer of model.layers) {
    layer.node.callSites.forEach((site, depth) => {
      let acc = groups.get(site.instance);
      if (!acc) {
        const parent = depth > 0 ? layer.node.callSites[depth - 1].instance : undefined;
        acc = { id: site.instance, block: site.block, label: oneLine(site.text), parent, span: site.span, layers: 0, params: 0, macs: 0, last: layer };
        groups.set(site.instance, acc);
      }
      acc.layers += 1;
      acc.params += layer.params.trainable + layer.params.nonTrainable;
      acc.macs += layer.macs;
      acc.last = layer;
    });
  }
  return [...groups.values()].map((g) => ({
    id: g.id,
    block: g.block,
    label: g.label,
    parent: g.parent,
    range: toRange(g.span),
    layers: g.layers,
    params: g.params,
    macs: g.macs,
    shape: formatShapeShort(g.last.shape),
    diagnostics: diagnostics
      .filter((d) => within(d.span, g.span) && g.parent === undefined)
      .slice(0, MAX_NODE_DIAGNOSTICS)
      .map(toPreviewDiagnostic),
  }));
}

/** Call text for a label: whitespace collapsed, long calls shortened. */
function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 48 ? `${flat.slice(0, 47)}…` : flat;
}

function toTotals(model: ModelAnalysis) {
  const batch = model.train?.batch ?? DEFAULT_BATCH;
  const memory = estimateTrainingMemory(model.layers, model.totals, batch, model.train?.optimizer);
  return {
    params: model.totals.params,
    trainable: model.totals.trainable,
    nonTrainable: model.totals.nonTrainable,
    macs: model.totals.macs,
    memory: { batch, optimizer: memory.optimizer, total: memory.total, activations: memory.activations },
  };
}
