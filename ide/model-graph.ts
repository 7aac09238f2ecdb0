// The model graph every view draws: one analysed model as plain data with spans, built once here for the
// preview (through the server's `stride/modelGraph`), tests and benchmarks alike.

import type { Analysis, ModelAnalysis } from '../core/analyze';
import type { Diagnostic, Severity } from '../core/diagnostics';
import type { GraphNode } from '../core/model/graph';
import { estimateTrainingMemory } from '../core/model/memory';
import type { LayerInfo, ModelTotals } from '../core/model/infer';
import type { Shape } from '../core/model/values';
import type { Span } from '../core/syntax/span';
import { findModel, type ModelQuery } from './model-at';
import { keyArgs } from './signatures';

/** Batch size assumed for the memory estimate when the model has no `train` section. */
export const DEFAULT_GRAPH_BATCH = 32;

export interface GraphDiagnostic {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
}

export interface GraphNodeFacts {
  readonly id: number;
  /** Unique in the model, prefixed by block instances: `basic_1/conv2d_2`. */
  readonly name: string;
  readonly kind: string;
  /** Key arguments that differ from their defaults, short form (`64, 7×7, /2, same`). */
  readonly args: string;
  /** How the parameters are counted, e.g. `(3·3·16 + 1)·32`. */
  readonly formula: string;
  readonly outputShape: Shape | null;
  readonly params: number;
  readonly trainable: number;
  readonly nonTrainable: number;
  readonly macs: number;
  /** Producer node ids, in order. */
  readonly inputs: readonly number[];
  /** The layer call (inside the block body for layers that come from a block). */
  readonly span: Span;
  /** Block instances that led here, outermost first. */
  readonly blockPath: readonly string[];
  readonly diagnostics: readonly GraphDiagnostic[];
}

export interface BlockInstanceFacts {
  readonly id: string;
  readonly block: string;
  /** The call as written, whitespace collapsed and long calls shortened: `basic(64)`. */
  readonly label: string;
  readonly parent?: string;
  readonly span: Span;
}

export interface GraphMemory {
  readonly batch: number;
  readonly optimizer: string;
  readonly total: number;
  readonly activations: number;
}

export interface ModelGraphFacts {
  readonly model: string;
  readonly models: readonly string[];
  readonly nodes: readonly GraphNodeFacts[];
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
  /** Outer instances before the instances nested in them. */
  readonly instances: readonly BlockInstanceFacts[];
  readonly totals: ModelTotals;
  /** Training memory at the `train` section's batch size (else DEFAULT_GRAPH_BATCH). */
  readonly memory: GraphMemory;
  /** Errors in the whole document, so a view can say the drawing may be incomplete. */
  readonly errors: number;
  /** How many layers the model has; `nodes` holds only the first `limit` of them when a limit was asked for. */
  readonly nodeCount: number;
}

/**
 * The graph of the model `query` names or points into (ide's `modelAt`); undefined when the file has none. With
 * `limit`, only the first `limit` layers get their facts (and only their block instances are listed): a view that
 * draws at most that many pays for no more, which matters at 100,000 layers.
 */
export function modelGraph(analysis: Analysis, query: ModelQuery = {}, limit = Infinity): ModelGraphFacts | undefined {
  const model = findModel(analysis, query);
  if (!model) return undefined;
  const diagnostics = analysis.diagnostics;
  const layers = model.layers.length > limit ? model.layers.slice(0, limit) : model.layers;
  const within = diagnosticsWithin(diagnostics, layers);
  return {
    model: model.graph.name,
    models: analysis.models.map((m) => m.graph.name),
    nodes: layers.map((info) => nodeFacts(info, within)),
    inputs: model.graph.inputs,
    outputs: model.graph.outputs,
    instances: instances(layers),
    totals: model.totals,
    memory: memory(model),
    errors: diagnostics.filter((d) => d.severity === 'error').length,
    nodeCount: model.layers.length,
  };
}

/**
 * The diagnostics that belong to a node, found by binary search in the analysis's list (sorted by position, so the
 * order is kept): filtering every diagnostic per node cost nodes × diagnostics.
 */
function diagnosticsWithin(diagnostics: readonly Diagnostic[], layers: readonly LayerInfo[]): (node: GraphNode) => readonly Diagnostic[] {
  if (diagnostics.length === 0 || layers.length === 0) return () => [];
  const sorted = diagnostics;
  return (node) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid].span.start < node.span.start) lo = mid + 1;
      else hi = mid;
    }
    const found: Diagnostic[] = [];
    for (let i = lo; i < sorted.length && sorted[i].span.start <= node.span.end; i++) if (belongsToNode(sorted[i], node)) found.push(sorted[i]);
    return found;
  };
}

function nodeFacts(info: LayerInfo, within: (node: GraphNode) => readonly Diagnostic[]): GraphNodeFacts {
  const node = info.node;
  return {
    id: node.id,
    name: node.name,
    kind: node.kind,
    args: keyArgs(node),
    formula: info.params.formula,
    outputShape: info.shape,
    params: info.params.trainable + info.params.nonTrainable,
    trainable: info.params.trainable,
    nonTrainable: info.params.nonTrainable,
    macs: info.macs,
    inputs: node.inputs,
    span: node.span,
    blockPath: node.callSites.map((c) => c.instance),
    diagnostics: within(node).map((d) => ({ code: d.code, severity: d.severity, message: d.message })),
  };
}

/** Every block call, from the layers' call-site chains, in order of first appearance (so parents come first). */
function instances(layers: readonly LayerInfo[]): BlockInstanceFacts[] {
  const seen = new Map<string, BlockInstanceFacts>();
  for (const layer of layers) {
    layer.node.callSites.forEach((site, depth) => {
      if (seen.has(site.instance)) return;
      const parent = depth > 0 ? layer.node.callSites[depth - 1].instance : undefined;
      const fact = { id: site.instance, block: site.block, label: oneLine(site.text), span: site.span };
      seen.set(site.instance, parent === undefined ? fact : { ...fact, parent });
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
function belongsToNode(d: Diagnostic, node: GraphNode): boolean {
  if (d.span.start < node.span.start || d.span.end > node.span.end) return false;
  const sites = (d.related ?? []).filter((r) => r.message.startsWith('in '));
  if (node.callSites.length === 0 || sites.length === 0) return true;
  const outer = node.callSites[0].span;
  return sites.some((r) => r.span.start === outer.start && r.span.end === outer.end);
}

function memory(model: ModelAnalysis): GraphMemory {
  const batch = model.train?.batch ?? DEFAULT_GRAPH_BATCH;
  const estimate = estimateTrainingMemory(model.layers, model.totals, batch, model.train?.optimizer);
  return { batch, optimizer: estimate.optimizer, total: estimate.total, activations: estimate.activations };
}
