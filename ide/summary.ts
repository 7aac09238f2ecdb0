// Model summaries: the data behind `stride summary` (table and JSON), hover totals and the preview header.

import type { Analysis, ModelAnalysis } from '../core/analyze';
import type { Diagnostic } from '../core/diagnostics';
import { estimateTrainingMemory, type MemoryEstimate } from '../core/model/memory';
import { formatCount } from './number-format';
import { formatBytes, formatShape, type Shape } from '../core/model/values';
import { LineIndex } from './line-index';

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

/** A Keras/torchinfo-style text table. */
export function formatTable(model: SummaryModel): string {
  const header = ['Layer (type)', 'Output shape', 'Param #', 'MACs', 'RF', 'Connected to'];
  const rows = model.layers.map((l) => [
    `${l.name} (${l.kind}${l.frozen ? ', frozen' : ''})`,
    formatShape(l.outputShape),
    formatCount(l.params),
    l.macs > 0 ? formatCount(l.macs) : '',
    formatRf(l.receptiveField),
    l.inputs.length > 1 ? l.inputs.join(', ') : '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i >= 2 && i <= 3 ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const rule = (ch: string) => ch.repeat(widths.reduce((a, b) => a + b + 2, -2));
  const t = model.totals;
  const m = model.memory;
  return [
    `Model: "${model.name}"`,
    rule('━'),
    line(header),
    rule('━'),
    ...rows.map(line),
    rule('━'),
    `Total params: ${formatCount(t.params)} (${formatBytes(t.paramBytes)})`,
    `Trainable params: ${formatCount(t.trainable)}`,
    `Non-trainable params: ${formatCount(t.nonTrainable)}${frozenNote(model)}`,
    `MACs per sample: ${formatCount(t.macs)}`,
    `Activations per sample: ${formatBytes(t.activationBytes)}`,
    `Training memory (batch ${m.batch}, ${m.optimizer}): ${formatBytes(m.total)} = weights ${formatBytes(m.weights)} + gradients ${formatBytes(m.gradients)} + optimizer ${formatBytes(m.optimizerState)} + activations ${formatBytes(m.activations)}`,
    rule('━'),
  ].join('\n');
}

/** The part of the non-trainable parameters that the train section's `freeze:` left untrained. */
function frozenNote(model: SummaryModel): string {
  const frozen = model.layers.filter((l) => l.frozen);
  return frozen.length > 0 ? ` (${formatCount(frozen.reduce((s, l) => s + l.params, 0))} frozen by train section)` : '';
}

function formatRf(rf: SummaryLayer['receptiveField']): string {
  if (!rf) return '';
  if (rf.global) return 'global';
  return rf.size.every((s) => s === rf.size[0]) ? `${rf.size[0]}` : rf.size.join('×');
}
