// The preview's view of the language server's `stride/modelGraph` result (itself ide's model graph with ranges):
// names instead of ids, short shapes, edges and instance totals for drawing. The only converter to PreviewGraph.

import { formatShapeShort } from '../../core/model/values';
import type { BlockInstanceInfo, GraphNodeInfo, ModelGraphResult } from '../../protocol/lsp-ext';
import type { PreviewDiagnostic, PreviewEdge, PreviewGraph, PreviewGroup, PreviewNode } from './types';

/**
 * Instances take their label and range from the result's block call sites (`basic(64)`, revealing the call);
 * a result without them falls back to `block(…)` and the first layer.
 */
export function fromModelGraph(result: ModelGraphResult): PreviewGraph {
  const byId = new Map(result.nodes.map((n) => [n.id, n]));
  const nodes = result.nodes.map(toNode);
  const edges: PreviewEdge[] = [];
  for (const n of result.nodes) {
    for (const input of new Set(n.inputs)) {
      const source = byId.get(input);
      if (source) edges.push({ source: source.name, target: n.name, label: formatShapeShort(source.outputShape) });
    }
  }
  return {
    model: result.model,
    nodes,
    edges,
    groups: toGroups(result.nodes, result.instances ?? []),
    totals: {
      params: result.totals.params,
      trainable: result.totals.trainable,
      nonTrainable: result.totals.nonTrainable,
      macs: result.totals.macs,
      memory: result.memory,
    },
    errorCount: result.errors,
    ...(result.truncatedFrom === undefined ? {} : { truncatedFrom: result.truncatedFrom }),
  };
}

function toNode(n: GraphNodeInfo): PreviewNode {
  return {
    id: n.name,
    kind: n.kind,
    args: n.args,
    shape: formatShapeShort(n.outputShape),
    params: n.params,
    trainable: n.trainable,
    macs: n.macs,
    formula: n.formula,
    group: n.blockPath.length > 0 ? n.blockPath[n.blockPath.length - 1] : undefined,
    range: n.range,
    diagnostics: nodeProblems(n),
  };
}

function nodeProblems(n: GraphNodeInfo): PreviewDiagnostic[] {
  return n.diagnostics
    .filter((d) => d.severity === 'error' || d.severity === 'warning')
    .map((d): PreviewDiagnostic => ({ severity: d.severity as PreviewDiagnostic['severity'], code: d.code, message: d.message }));
}

type MutableGroup = { -readonly [K in keyof PreviewGroup]: PreviewGroup[K] };

/** Instances from the block paths, outer ones first, with totals over all their layers. */
function toGroups(nodes: readonly GraphNodeInfo[], instances: readonly BlockInstanceInfo[]): PreviewGroup[] {
  const calls = new Map(instances.map((i) => [i.id, i]));
  const groups = new Map<string, MutableGroup>();
  for (const n of nodes) {
    n.blockPath.forEach((instance, depth) => {
      let g = groups.get(instance);
      if (!g) {
        const call = calls.get(instance);
        const block = call?.block ?? blockOf(instance);
        g = {
          id: instance,
          block,
          label: call?.label ?? `${block}(…)`,
          parent: depth > 0 ? n.blockPath[depth - 1] : undefined,
          range: call?.range ?? n.range,
          layers: 0,
          params: 0,
          macs: 0,
          shape: '?',
          diagnostics: [],
        };
        groups.set(instance, g);
      }
      g.layers += 1;
      g.params += n.params;
      g.macs += n.macs;
      g.shape = formatShapeShort(n.outputShape);
      g.diagnostics = withProblems(g.diagnostics, nodeProblems(n));
    });
  }
  return [...groups.values()];
}

/** A collapsed instance shows the problems of the layers it hides (each once, a tooltip's worth). */
function withProblems(have: readonly PreviewDiagnostic[], more: readonly PreviewDiagnostic[]): readonly PreviewDiagnostic[] {
  const out = [...have];
  for (const d of more) {
    if (out.length >= 20) break;
    if (!out.some((o) => o.code === d.code && o.message === d.message)) out.push(d);
  }
  return out;
}

/** `stage_1/basic_2` → `basic`: the last path part without its instance number. */
function blockOf(instance: string): string {
  const last = instance.slice(instance.lastIndexOf('/') + 1);
  return last.replace(/_\d+$/, '');
}
