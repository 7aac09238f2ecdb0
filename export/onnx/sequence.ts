// ONNX emitters for sequences: embeddings, the recurrent layers as ONNX LSTM/GRU/RNN (gates reordered, biases split
// as ONNX wants them) and multi-head self-attention decomposed into MatMul and Softmax.

import type { WeightArray } from '../../core/export/weights';
import { registerEmitters, type Ctx, type Emitter, type Refusal } from './emit';
import { permuted, type GraphBuilder, type Val } from './graph';

/** Token ids arrive as floats (every model input is float32): cast, as tfjs does, then look up the rows. */
const embedding: Emitter = ({ g, inputs, out, weight }) => {
  const table = weight('embeddings');
  const ids = g.op('Cast', [inputs[0].name], { to: { i: 7 } });
  return { name: g.op('Gather', [g.weight('table', table.shape, table.data), ids], { axis: { i: 0 } }), shape: out, cf: false };
};

/** The first `steps` rows of the learned table, added to every sample. */
const positional: Emitter = ({ g, inputs, out, weight }) => {
  const table = weight('embeddings');
  const x = g.cl(inputs[0]);
  const rows = g.op('Slice', [g.weight('table', table.shape, table.data), g.ints([0]), g.ints([x.shape[0]]), g.ints([0])]);
  return { name: g.op('Add', [x.name, rows]), shape: out, cf: false };
};

/** Stride activations ONNX's recurrent operators take by name. */
const RNN_ACT: Record<string, string> = { tanh: 'Tanh', relu: 'Relu', sigmoid: 'Sigmoid', softsign: 'Softsign', softplus: 'Softplus' };

interface Cell {
  readonly op: 'LSTM' | 'GRU' | 'RNN';
  readonly gates: number;
  /** ONNX gate order as indices of Keras's: LSTM i,o,f,c from Keras i,f,c,o; GRU and RNN keep theirs. */
  readonly order: readonly number[];
}

const CELLS: Record<string, Cell> = {
  lstm: { op: 'LSTM', gates: 4, order: [0, 3, 1, 2] },
  gru: { op: 'GRU', gates: 3, order: [0, 1, 2] },
  simple_rnn: { op: 'RNN', gates: 1, order: [0] },
};

/** (rows, G·U) Keras → (1, G·U, rows) ONNX, gate blocks in ONNX order. */
function gateMajor(w: WeightArray, cell: Cell, units: number): Float32Array {
  const t = permuted(w.data, w.shape, [1, 0]);
  const rows = w.shape[0];
  const out = new Float32Array(t.length);
  cell.order.forEach((src, dst) => out.set(t.subarray(src * units * rows, (src + 1) * units * rows), dst * units * rows));
  return out;
}

function reorderBias(data: Float32Array, cell: Cell, units: number): Float32Array {
  const out = new Float32Array(cell.gates * units);
  cell.order.forEach((src, dst) => out.set(data.subarray(src * units, (src + 1) * units), dst * units));
  return out;
}

/** W, R and B of one direction; B is (input bias, recurrent bias), zeros where Keras learns one bias only. */
function direction(ctx: Ctx, cell: Cell, units: number, dir: string): [string, string, string | undefined] {
  const g = ctx.g;
  const [kernel, recurrent] = [ctx.weight(`${dir}kernel`), ctx.weight(`${dir}recurrent_kernel`)];
  const gu = cell.gates * units;
  const W = g.weight('W', [1, gu, kernel.shape[0]], gateMajor(kernel, cell, units));
  const R = g.weight('R', [1, gu, units], gateMajor(recurrent, cell, units));
  if (!ctx.has(`${dir}bias`)) return [W, R, undefined];
  const bias = ctx.weight(`${dir}bias`);
  if (bias.data.length === 2 * gu) {
    // reset_after GRU: (input bias, recurrent bias), both in z, r, h order as ONNX.
    return [W, R, g.weight('B', [1, 2 * gu], bias.data)];
  }
  const b = g.weight('B', [1, gu], reorderBias(bias.data, cell, units));
  return [W, R, g.op('Concat', [b, g.floats([1, gu], new Float32Array(gu))], { axis: { i: 1 } })];
}

/** Where tfjs keeps each direction's weights: `forward…/`, `backward…/`, or directly under the layer. */
function directions(ctx: Ctx, kind: string): string[] {
  if (ctx.args.bidirectional === true) return ['forward', 'backward'].map((d) => ctx.prefixOf(d));
  return kind === 'gru' && ctx.args.reset_after !== false ? [ctx.prefixOf('forward')] : [''];
}

function recurrent(kind: string): Emitter {
  const cell = CELLS[kind];
  return (ctx) => {
    const act = RNN_ACT[String(ctx.args.activation ?? 'tanh')];
    if (!act) return { refused: `activation '${String(ctx.args.activation)}' (ONNX ${cell.op} takes Tanh, Relu, Sigmoid, Softsign or Softplus)` } as Refusal;
    const g = ctx.g;
    const units = Number(ctx.args.units);
    const dirs = directions(ctx, kind).map((d) => direction(ctx, cell, units, d));
    const stack = (i: 0 | 1 | 2) =>
      dirs.length === 1
        ? (dirs[0][i] as string)
        : g.op(
            'Concat',
            dirs.map((d) => d[i] as string),
            { axis: { i: 0 } },
          );
    const bias = dirs[0][2] === undefined ? '' : stack(2);
    const fns = cell.op === 'LSTM' ? ['Sigmoid', act, act] : cell.op === 'GRU' ? ['Sigmoid', act] : [act];
    const attrs = {
      hidden_size: { i: units },
      direction: { s: dirs.length === 2 ? 'bidirectional' : 'forward' },
      activations: { strings: dirs.length === 2 ? [...fns, ...fns] : fns },
      ...(cell.op === 'GRU' ? { linear_before_reset: { i: ctx.args.reset_after === false ? 0 : 1 } } : {}),
    };
    const x = g.op('Transpose', [g.cl(ctx.inputs[0]).name], { perm: { ints: [1, 0, 2] } });
    const [y, yh] = g.ops(cell.op, [x, stack(0), stack(1), bias], attrs, 2);
    return merged(ctx, ctx.args.return_sequences === true ? y : yh, dirs.length, units);
  };
}

/** (T, D, N, U) sequences or (D, N, U) last states → batch first, directions merged as Keras's merge_mode says. */
function merged(ctx: Ctx, y: string, dirs: number, units: number): Val {
  const g = ctx.g;
  const seq = ctx.args.return_sequences === true;
  const batchFirst = g.op('Transpose', [y], { perm: { ints: seq ? [2, 0, 1, 3] : [1, 0, 2] } });
  const keep = seq ? [0, 0] : [0];
  const mode = String(ctx.args.merge_mode ?? 'concat');
  if (dirs === 1 || mode === 'concat') return { name: g.op('Reshape', [batchFirst, g.ints([...keep, -1])]), shape: ctx.out, cf: false };
  const [a, b] = g.ops('Split', [batchFirst], { axis: { i: seq ? 2 : 1 } }, 2);
  const op = mode === 'mul' ? 'Mul' : 'Add';
  let both = g.op(op, [a, b]);
  if (mode === 'ave') both = g.op('Mul', [both, g.scalar(0.5)]);
  return { name: g.op('Reshape', [both, g.ints([...keep, units])]), shape: ctx.out, cf: false };
}

/** (N, T, D) → (N, heads, T, size): one projection split into heads. */
function heads(g: GraphBuilder, x: string, ctx: Ctx, name: string, h: number, size: number, perm: number[]): string {
  const k = ctx.weight(`${name}/kernel`);
  let y = g.op('MatMul', [x, g.weight(`${name}_W`, k.shape, k.data)]);
  if (ctx.has(`${name}/bias`)) y = g.op('Add', [y, g.weight(`${name}_B`, [h * size], ctx.weight(`${name}/bias`).data)]);
  return g.op('Transpose', [g.op('Reshape', [y, g.ints([0, 0, h, size])])], { perm: { ints: perm } });
}

/** softmax(Q·Kᵀ/√key_dim)·V per head, then the output projection, exactly as the training layer computes it. */
const attention: Emitter = (ctx) => {
  const g = ctx.g;
  const x = g.cl(ctx.inputs[0]).name;
  const [h, kd] = [Number(ctx.args.heads), Number(ctx.args.key_dim)];
  const vd = ctx.args.value_dim === null || ctx.args.value_dim === undefined ? kd : Number(ctx.args.value_dim);
  const q = g.op('Mul', [heads(g, x, ctx, 'query', h, kd, [0, 2, 1, 3]), g.scalar(1 / Math.sqrt(kd))]);
  const kT = heads(g, x, ctx, 'key', h, kd, [0, 2, 3, 1]);
  const v = heads(g, x, ctx, 'value', h, vd, [0, 2, 1, 3]);
  const weights = g.op('Softmax', [g.op('MatMul', [q, kT])], { axis: { i: -1 } });
  const joined = g.op('Reshape', [g.op('Transpose', [g.op('MatMul', [weights, v])], { perm: { ints: [0, 2, 1, 3] } }), g.ints([0, 0, h * vd])]);
  const wo = ctx.weight('attention_output/kernel');
  let y = g.op('MatMul', [joined, g.weight('output_W', wo.shape, wo.data)]);
  if (ctx.has('attention_output/bias')) y = g.op('Add', [y, g.weight('output_B', [wo.shape[1]], ctx.weight('attention_output/bias').data)]);
  return { name: y, shape: ctx.out, cf: false };
};

registerEmitters({
  embedding,
  positional_embedding: positional,
  lstm: recurrent('lstm'),
  gru: recurrent('gru'),
  simple_rnn: recurrent('simple_rnn'),
  multihead_attention: attention,
});
