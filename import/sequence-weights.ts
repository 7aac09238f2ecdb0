// The weights of the sequence layers in Keras/tfjs layout: embedding tables as they are, recurrent weights with ONNX's
// gate-major (directions, gates·units, in) tensors turned into Keras's (in, gates·units) in Keras's gate order and the
// two ONNX biases merged, and attention's four projections as Stride's attention layer keeps them.

import type { Graph, Node } from './graph';
import type { LayerWeights } from './imported';
import type { Initializers } from './onnx-weights';
import { ImportError } from './read';
import { attentionAt } from './sequence';
import { newWalk } from './state';

type Tensor = LayerWeights['tensors'][number];
type Converter = (g: Graph, w: Initializers, n: Node) => Tensor[];

const product = (dims: readonly number[]) => dims.reduce((a, d) => a * d, 1);
const producerOf = (g: Graph, t: string) => g.nodes.find((p) => p.outputs.includes(t));

/** Tensors joined along `axis`, as ONNX Concat joins them. */
function concat(parts: readonly Tensor[], axis: number): Tensor {
  const rank = parts[0].shape.length;
  const a = axis < 0 ? axis + rank : axis;
  const outer = product(parts[0].shape.slice(0, a));
  const inner = parts.map((t) => product(t.shape.slice(a)));
  const shape = [...parts[0].shape];
  shape[a] = parts.reduce((s, t) => s + t.shape[a], 0);
  const data = new Float32Array(outer * inner.reduce((s, x) => s + x, 0));
  let k = 0;
  for (let o = 0; o < outer; o++)
    parts.forEach((t, i) => {
      data.set(t.data.subarray(o * inner[i], (o + 1) * inner[i]), k);
      k += inner[i];
    });
  return { shape, data };
}

/** A weight, or a Concat of weights (Stride's export joins directions and biases so), computed. */
function constant(g: Graph, w: Initializers, t: string, n: Node, depth = 0): Tensor {
  if (w.has(t)) return w.get(t, n);
  const p = producerOf(g, t);
  if (!p || p.op !== 'Concat' || depth > 16) throw new ImportError(`${n.op} node '${n.name}': its weight '${t}' is not a constant of the graph`);
  const axis = p.attrs.get('axis');
  return concat(
    p.inputs.map((i) => constant(g, w, i, n, depth + 1)),
    typeof axis === 'number' ? axis : 0,
  );
}

/** For each ONNX gate slot, the Keras gate it holds: ONNX orders LSTM gates i, o, f, c and Keras i, f, c, o. */
const ORDER: Readonly<Record<string, readonly number[]>> = { LSTM: [0, 3, 1, 2], GRU: [0, 1, 2], RNN: [0] };

/** Direction `d` of a (D, G·U, rows) ONNX tensor as Keras's (rows, G·U), its gate blocks in Keras order. */
function kerasKernel(t: Tensor, d: number, order: readonly number[]): Tensor {
  const [, gu, rows] = t.shape;
  const units = gu / order.length;
  const out = new Float32Array(rows * gu);
  const base = d * gu * rows;
  order.forEach((gate, slot) => {
    for (let u = 0; u < units; u++) for (let r = 0; r < rows; r++) out[r * gu + gate * units + u] = t.data[base + (slot * units + u) * rows + r];
  });
  return { shape: [rows, gu], data: out };
}

/**
 * Direction `d`'s bias from ONNX's (D, 2·G·U) input and recurrent biases: a reset_after GRU keeps both, (2, 3·U), in
 * the order ONNX has them; every other layer adds the input to its gates once, so their sum is its bias.
 */
function kerasBias(b: Tensor, d: number, order: readonly number[], both: boolean): Tensor {
  const gu = b.shape[1] / 2;
  const at = b.data.subarray(d * 2 * gu, (d + 1) * 2 * gu);
  if (both) return { shape: [2, gu], data: Float32Array.from(at) };
  const units = gu / order.length;
  const out = new Float32Array(gu);
  order.forEach((gate, slot) => {
    for (let u = 0; u < units; u++) out[gate * units + u] = at[slot * units + u] + at[gu + slot * units + u];
  });
  return { shape: [gu], data: out };
}

/** Per direction, forward first: kernel, recurrent kernel, bias — the order tfjs's (Bidirectional) layer holds them. */
function recurrent(g: Graph, w: Initializers, n: Node): Tensor[] {
  const order = ORDER[n.op];
  const [W, R] = [n.inputs[1], n.inputs[2]].map((t) => constant(g, w, t, n));
  const B = n.inputs[3] ? constant(g, w, n.inputs[3], n) : undefined;
  const both = n.op === 'GRU' && n.attrs.get('linear_before_reset') === 1;
  const out: Tensor[] = [];
  for (let d = 0; d < W.shape[0]; d++) {
    out.push(kerasKernel(W, d, order), kerasKernel(R, d, order));
    if (B) out.push(kerasBias(B, d, order, both));
  }
  return out;
}

/** Query, key, value and output projections, each kernel (in, out) then bias, as Stride's attention layer builds them. */
function attention(g: Graph, w: Initializers, n: Node): Tensor[] {
  const a = attentionAt(newWalk(g), n);
  if (!a) throw new ImportError(`Softmax node '${n.name}': it is not inside the attention pattern the text was written from`);
  const flat = (t: Tensor): Tensor => ({ shape: [t.data.length], data: t.data });
  return [a.q, a.k, a.v, a.out].flatMap((p) => [w.get(p.kernel, n), ...(p.bias === undefined ? [] : [flat(w.get(p.bias, n))])]);
}

/** The table of an embedding (Gather) or of learned positions (the Slice of its first rows): (rows, dim) as it is. */
const table: Converter = (_g, w, n) => [w.get(n.inputs[0], n)];

/** For each sequence layer kind, the converter for the operator its weights are read at. */
export const SEQUENCE_CONVERTERS: Readonly<Record<string, Readonly<Record<string, Converter>>>> = {
  embedding: { Gather: table },
  positional_embedding: { Slice: table },
  lstm: { LSTM: recurrent },
  gru: { GRU: recurrent },
  simple_rnn: { RNN: recurrent },
  multihead_attention: { Softmax: attention },
};
