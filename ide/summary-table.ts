// The summary as a Keras/torchinfo-style text table: chosen columns, and blocks below a depth folded into one row.

import { formatBytes, formatShape } from '../core/model/values';
import { formatCount } from './number-format';
import type { SummaryLayer, SummaryModel } from './summary';

/** The table's columns, in table order; `name` and `type` side by side read `Layer (type)` as in Keras. */
export const TABLE_COLUMNS = ['name', 'type', 'shape', 'params', 'macs', 'memory', 'rf', 'connected'] as const;
export type TableColumn = (typeof TABLE_COLUMNS)[number];

/** Without `columns`: every column but `memory`, the table Stride has always printed. */
export const DEFAULT_COLUMNS: readonly TableColumn[] = ['name', 'type', 'shape', 'params', 'macs', 'rf', 'connected'];

export interface TableOptions {
  /** Blocks nested deeper than this are one row with their totals (torchinfo's depth); undefined: every layer. */
  readonly depth?: number;
  readonly columns?: readonly TableColumn[];
}

/** One row of the table: a layer, or a block instance folded at the depth. */
interface Row {
  readonly name: string;
  readonly kind: string;
  readonly shape: SummaryLayer['outputShape'];
  readonly params: number;
  readonly macs: number;
  readonly memory: number | null;
  readonly rf: SummaryLayer['receptiveField'];
  readonly inputs: readonly string[];
}

const HEADERS: Record<TableColumn, string> = {
  name: 'Layer',
  type: 'Type',
  shape: 'Output shape',
  params: 'Param #',
  macs: 'MACs',
  memory: 'Activations',
  rf: 'RF',
  connected: 'Connected to',
};

const NUMERIC = new Set<TableColumn>(['params', 'macs', 'memory']);

/** The text table with totals, memory estimate and rules. */
export function formatTable(model: SummaryModel, options: TableOptions = {}): string {
  const chosen = TABLE_COLUMNS.filter((c) => (options.columns ?? DEFAULT_COLUMNS).includes(c));
  // Keras's `Layer (type)` when both are shown side by side.
  const joined = chosen.includes('name') && chosen.includes('type');
  const columns = joined ? chosen.filter((c) => c !== 'type') : chosen;
  const header = columns.map((c) => (c === 'name' && joined ? 'Layer (type)' : HEADERS[c]));
  const rows = tableRows(model.layers, options.depth).map((r) => columns.map((c) => cell(r, c, joined)));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (NUMERIC.has(columns[i]) ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const rule = (ch: string) => ch.repeat(widths.reduce((a, b) => a + b + 2, -2));
  return [`Model: "${model.name}"`, rule('━'), line(header), rule('━'), ...rows.map(line), rule('━'), ...totalLines(model), rule('━')].join('\n');
}

function cell(r: Row, column: TableColumn, joined: boolean): string {
  switch (column) {
    case 'name':
      return joined ? `${r.name} (${r.kind})` : r.name;
    case 'type':
      return r.kind;
    case 'shape':
      return formatShape(r.shape);
    case 'params':
      return formatCount(r.params);
    case 'macs':
      return r.macs > 0 ? formatCount(r.macs) : '';
    case 'memory':
      return r.memory === null ? '' : formatBytes(r.memory);
    case 'rf':
      return formatRf(r.rf);
    case 'connected':
      return r.inputs.length > 1 ? r.inputs.join(', ') : '';
  }
}

function totalLines(model: SummaryModel): string[] {
  const t = model.totals;
  const m = model.memory;
  return [
    `Total params: ${formatCount(t.params)} (${formatBytes(t.paramBytes)})`,
    `Trainable params: ${formatCount(t.trainable)}`,
    `Non-trainable params: ${formatCount(t.nonTrainable)}${frozenNote(model)}`,
    `MACs per sample: ${formatCount(t.macs)}`,
    `Activations per sample: ${formatBytes(t.activationBytes)}`,
    `Training memory (batch ${m.batch}, ${m.optimizer}): ${formatBytes(m.total)} = weights ${formatBytes(m.weights)} + gradients ${formatBytes(m.gradients)} + optimizer ${formatBytes(m.optimizerState)} + activations ${formatBytes(m.activations)}`,
  ];
}

/** The part of the non-trainable parameters that the train section's `freeze:` left untrained. */
function frozenNote(model: SummaryModel): string {
  const frozen = model.layers.filter((l) => l.frozen);
  return frozen.length > 0 ? ` (${formatCount(frozen.reduce((s, l) => s + l.params, 0))} frozen by train section)` : '';
}

/**
 * The layers as rows; with a depth, the layers of a block instance nested deeper than it become one row named after
 * the instance at that depth, typed by its block, with the parameters, MACs and activations of all its layers and the
 * output shape and receptive field of its last one. Its inputs are those of its layers that come from outside it.
 */
export function tableRows(layers: readonly SummaryLayer[], depth?: number): Row[] {
  const rows: Row[] = [];
  const groups = new Map<string, { index: number; members: SummaryLayer[] }>();
  for (const l of layers) {
    if (depth === undefined || l.blocks.length <= depth) {
      rows.push({
        name: l.name,
        kind: l.frozen ? `${l.kind}, frozen` : l.kind,
        shape: l.outputShape,
        params: l.params,
        macs: l.macs,
        memory: l.activationBytes,
        rf: l.receptiveField,
        inputs: l.inputs,
      });
      continue;
    }
    const instance = l.blocks[depth];
    const group = groups.get(instance) ?? { index: rows.length, members: [] };
    if (group.members.length === 0) {
      groups.set(instance, group);
      rows.push(folded(instance, l.blockKinds[depth], [l]));
    }
    group.members.push(l);
    rows[group.index] = folded(instance, l.blockKinds[depth], group.members);
  }
  return rows;
}

function folded(instance: string, block: string, members: readonly SummaryLayer[]): Row {
  const last = members[members.length - 1];
  const inside = new Set(members.map((m) => m.name));
  const inputs = [...new Set(members.flatMap((m) => m.inputs.filter((i) => !inside.has(i))))];
  const sum = (f: (l: SummaryLayer) => number | null) => members.reduce((a, l) => a + (f(l) ?? 0), 0);
  const memory = members.every((m) => m.activationBytes === null) ? null : sum((l) => l.activationBytes);
  return {
    name: instance,
    kind: members.every((m) => m.frozen) ? `${block}, frozen` : block,
    shape: last.outputShape,
    params: sum((l) => l.params),
    macs: sum((l) => l.macs),
    memory,
    rf: last.receptiveField,
    inputs,
  };
}

function formatRf(rf: SummaryLayer['receptiveField']): string {
  if (!rf) return '';
  if (rf.global) return 'global';
  return rf.size.every((s) => s === rf.size[0]) ? `${rf.size[0]}` : rf.size.join('×');
}
