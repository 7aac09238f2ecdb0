// Recurrent layers (simple RNN, LSTM, GRU) over (time, features), optionally bidirectional, with Keras parameter rules.

import { formatInt } from '../values';
import type { ArgSpec, InferContext, Inferred, LayerDef } from '../registry';
import { asNum } from '../shape-math';
import { ACTIVATIONS, channelsOf } from './common';

interface Cell {
  /** Weight blocks per step: 1 for a simple RNN, 4 for LSTM (i, f, c, o), 3 for GRU (z, r, h). */
  readonly gates: number;
  /** Bias vectors per gate: 2 for GRU with reset_after (input and recurrent biases), else 1. */
  readonly biases: (ctx: InferContext) => number;
}

const CELLS: Record<string, Cell> = {
  simple_rnn: { gates: 1, biases: () => 1 },
  lstm: { gates: 4, biases: () => 1 },
  gru: { gates: 3, biases: (ctx) => (ctx.args.reset_after === false ? 1 : 2) },
};

function inferRecurrent(cell: Cell, ctx: InferContext): Inferred {
  const input = ctx.inputs[0];
  const [steps, features] = [input[0], channelsOf(input) ?? 0];
  const units = asNum(ctx.args.units);
  const bias = ctx.args.bias === true ? cell.biases(ctx) : 0;
  const dirs = ctx.args.bidirectional === true ? 2 : 1;
  const perDirection = cell.gates * (units * (features + units) + bias * units);
  const total = dirs * perDirection;
  const g = cell.gates === 1 ? '' : `${cell.gates}·`;
  const b = bias === 0 ? '' : bias === 1 ? ` + ${units}` : ` + ${bias}·${units}`;
  const formula = `${dirs === 2 ? '2·' : ''}${g}(${units}·(${features} + ${units})${b}) = ${formatInt(total)}`;
  const width = dirs === 2 && ctx.args.merge_mode === 'concat' ? 2 * units : units;
  return {
    shape: ctx.args.return_sequences === true ? [steps, width] : [width],
    params: { trainable: total, nonTrainable: 0, formula },
    macs: (steps ?? 0) * dirs * cell.gates * units * (features + units),
    // Each output may depend on every earlier (or, bidirectionally, every) time step.
    rf: { kind: 'global' },
  };
}

const common: ArgSpec[] = [
  { name: 'units', type: { type: 'int', min: 1 }, doc: 'Size of the hidden state.' },
  { name: 'return_sequences', type: { type: 'bool' }, default: false, doc: 'Output every time step (time, units) instead of the last one (units).' },
  { name: 'bidirectional', type: { type: 'bool' }, default: false, doc: 'Also run a second copy backwards in time and merge both (Keras Bidirectional).' },
  {
    name: 'merge_mode',
    type: { type: 'enum', values: ['concat', 'sum', 'mul', 'ave'] },
    default: 'concat',
    doc: 'How a bidirectional layer merges its two directions; concat doubles the width.',
    namedOnly: true,
  },
  { name: 'activation', type: { type: 'enum', values: ACTIVATIONS }, default: 'tanh', doc: 'Activation of the state update.', namedOnly: true },
  { name: 'bias', type: { type: 'bool' }, default: true, doc: 'Learn bias vectors.', namedOnly: true },
];

function recurrentDef(kind: string, summary: string, paramsDoc: string, extra: ArgSpec[] = [], aliases?: string[]): LayerDef {
  const cell = CELLS[kind];
  return {
    kind,
    aliases,
    category: 'recurrent',
    summary,
    paramsDoc,
    args: [...common, ...extra],
    arity: 1,
    inputRank: 2,
    infer: (ctx) => inferRecurrent(cell, ctx),
  };
}

export const recurrentLayers: LayerDef[] = [
  recurrentDef(
    'simple_rnn',
    'Fully connected recurrent layer over (time, features): h = tanh(x·W + h·U + b).',
    'units·(in + units) + units per direction (Keras; PyTorch RNN has a second bias, + units).',
    [],
    ['simplernn', 'rnn'],
  ),
  recurrentDef(
    'lstm',
    'Long short-term memory over (time, features).',
    '4·(units·(in + units) + units) per direction (Keras: one bias per gate; PyTorch keeps two, + 4·units).',
  ),
  recurrentDef(
    'gru',
    'Gated recurrent unit over (time, features).',
    'reset_after: true (Keras 2 and PyTorch default): 3·(units·(in + units) + 2·units) per direction; reset_after: false: 3·(units·(in + units) + units).',
    [
      {
        name: 'reset_after',
        type: { type: 'bool' },
        default: true,
        doc: 'Apply the reset gate after the recurrent matrix (Keras 2 / PyTorch / cuDNN convention, two bias vectors).',
        namedOnly: true,
      },
    ],
  ),
];
