// Model summaries: the data behind `stride summary` (table and JSON), hover totals and the preview header.

import type { Analysis, ModelAnalysis } from '../core/analyze';
import type { Diagnostic } from '../core/diagnostics';
import { estimateTrainingMemory, type MemoryEstimate } from '../core/model/memory';
import type { Shape } from '../core/model/values';
import { LineIndex } from './line-index';

export { formatTable } from './summary-table';

export interface SummaryLayer {
  readonly name: string;
  readonly kind: string;
  readonly outputShape: Shape | null;
  readonly params: number;
  readonly trainable: number;
  readonly nonTrainable: number;
  readonly formula: string;
  readonly macs: number;
  readonly activationBytes: number | null;
  readonly receptiveField: {
    readonly size: readonly number[];
    readonly jump: readonly number[];
    readonly start: readonly number[];
    readonly global: boolean;
  } | null;
  readonly inputs: readonly string[];
  /** 1-based line of the layer call. */
  readonly line: number;
  readonly column: number;
  /** Block instances the layer comes from, outermost first (`basic_1`). */
  readonly blocks: readonly string[];
  /** Frozen by the train section's `freeze:`: its parameters count as non-trainable. */
  readonly frozen?: true;
  /** The blocks of those instances (`basic`), in the same order. */
  readonly blockKinds: readonly string[];
}

export interface SummaryModel {
  readonly name: string;
  readonly line: number;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly layers: readonly SummaryLayer[];
  readonly totals: {
    readonly params: number;
    readonly trainable: number;
    readonly nonTrainable: number;
    readonly macs: number;
    readonly paramBytes: number;
    readonly activationBytes: number;
  };
  readonly memory: MemoryEstimate;
}

export interface SummaryDiagnostic {
  readonly code: string;
  readonly severity: string;
  readonly message: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

export interface Summary {
  readonly models: readonly SummaryModel[];
  readonly diagnostics: readonly SummaryDiagnostic[];
}

export function summarize(analysis: Analysis, options: { batch?: number; model?: string } = {}): Summary {
  const index = new LineIndex(analysis.text);
  const models = analysis.models.filter((m) => options.model === undefined || m.graph.name === options.model);
  return {
    models: models.map((m) => summarizeModel(m, index, options.batch)),
    diagnostics: analysis.diagnostics.map((d) => summarizeDiagnostic(d, index)),
  };
}

export function summarizeDiagnostic(d: Diagnostic, index: LineIndex): SummaryDiagnostic {
  const s = index.position(d.span.start);
  const e = index.position(d.span.end);
  return { code: d.code, severity: d.severity, message: d.message, line: s.line + 1, column: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1 };
}

function summarizeModel(model: ModelAnalysis, index: LineIndex, batch?: number): SummaryModel {
  const nodes = model.graph.nodes;
  const layers = model.layers.map((l): SummaryLayer => {
    const pos = index.position(l.node.span.start);
    return {
      name: l.node.name,
      kind: l.node.kind,
      outputShape: l.shape,
      params: l.params.trainable + l.params.nonTrainable,
      trainable: l.params.trainable,
      nonTrainable: l.params.nonTrainable,
      formula: l.params.formula,
      macs: l.macs,
      activationBytes: l.activationBytes,
      receptiveField: l.rf,
      inputs: l.node.inputs.map((i) => nodes[i].name),
      line: pos.line + 1,
      column: pos.character + 1,
      blocks: l.node.callSites.map((c) => c.instance),
      ...(l.frozen ? { frozen: true as const } : {}),
      blockKinds: l.node.callSites.map((c) => c.block),
    };
  });
  const t = model.totals;
  return {
    name: model.graph.name,
    line: index.position(model.graph.nameSpan.start).line + 1,
    inputs: model.graph.inputs.map((i) => nodes[i].name),
    outputs: model.graph.outputs.map((i) => nodes[i].name),
    layers,
    totals: {
      params: t.params,
      trainable: t.trainable,
      nonTrainable: t.nonTrainable,
      macs: t.macs,
      paramBytes: 4 * t.params,
      activationBytes: t.activationBytes,
    },
    memory: estimateTrainingMemory(model.layers, model.totals, batch ?? model.train?.batch ?? 32, model.train?.optimizer),
  };
}
