// The `json` format: "stride-graph" version 1, the full lowered graph as a stable interface (docs/export-json.md).

import type { Analysis, ModelAnalysis } from '../core/analyze';
import { LineIndex } from '../ide/line-index';
import type { ExportFormat } from './formats';

export const GRAPH_FORMAT = 'stride-graph';
export const GRAPH_VERSION = 1;

type ArgValue = number | boolean | string | readonly number[] | null;

/** One layer: everything needed to rebuild it (kind, resolved arguments, producers) and what the analysis found. */
export interface GraphJsonNode {
  readonly id: number;
  readonly name: string;
  readonly kind: string;
  /** Every argument of the kind, resolved: defaults filled in, values computed, `null` where the kind means "auto". */
  readonly args: Readonly<Record<string, ArgValue>>;
  /** Producer node ids, in order (ids are positions in `nodes`). */
  readonly inputs: readonly number[];
  /** Output shape, batch first as `null`. */
  readonly shape: readonly (number | null)[];
  readonly params: { readonly trainable: number; readonly nonTrainable: number };
  readonly macs: number;
  /** Where the layer is written: 1-based line and column of its call (a block's layer: its line in the block). */
  readonly source: { readonly line: number; readonly column: number };
  /** Block instances this layer comes from, outermost first (`basic_2`), empty at model level. */
  readonly blocks: readonly { readonly block: string; readonly instance: string }[];
}

export interface GraphJson {
  readonly format: typeof GRAPH_FORMAT;
  readonly version: typeof GRAPH_VERSION;
  readonly model: string;
  readonly nodes: readonly GraphJsonNode[];
  /** Node ids of the model inputs and outputs, in order. */
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
  readonly totals: { readonly params: number; readonly trainable: number; readonly nonTrainable: number; readonly macs: number };
}

/** The stride-graph document of an analysed model free of errors. */
export function graphJson(analysis: Analysis, model: ModelAnalysis): GraphJson {
  const lines = new LineIndex(analysis.text);
  const nodes = model.graph.nodes.map((node): GraphJsonNode => {
    const info = model.layers[node.id];
    // Library blocks have spans beyond the text; their layers are pinned to the user's call, which has a real span.
    const at = lines.position(node.span.start);
    return {
      id: node.id,
      name: node.name,
      kind: node.kind,
      args: { ...node.args },
      inputs: [...node.inputs],
      shape: [null, ...(info.shape ?? [])],
      params: { trainable: info.params.trainable, nonTrainable: info.params.nonTrainable },
      macs: info.macs,
      source: { line: at.line + 1, column: at.character + 1 },
      blocks: node.callSites.map((c) => ({ block: c.block, instance: c.instance })),
    };
  });
  const t = model.totals;
  return {
    format: GRAPH_FORMAT,
    version: GRAPH_VERSION,
    model: model.graph.name,
    nodes,
    inputs: [...model.graph.inputs],
    outputs: [...model.graph.outputs],
    totals: { params: t.params, trainable: t.trainable, nonTrainable: t.nonTrainable, macs: t.macs },
  };
}

export const jsonFormat: ExportFormat = {
  name: 'json',
  summary: 'the full lowered graph as JSON ("stride-graph" v1: every argument, shape, count and source line)',
  suffix: '.json',
  async run(job) {
    const notes = job.logits ? ['--logits does not apply to the graph: it lists every layer as written'] : [];
    return { files: [{ path: '', data: JSON.stringify(graphJson(job.analysis, job.model), null, 2) + '\n' }], notes };
  },
  support: () => ({ status: 'exact' }),
};
