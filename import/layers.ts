// One ONNX node to one Stride layer call (or to nothing, for nodes that only move data in NCHW): the operator table.

import type { Graph, Node } from './graph';
import { float, ints, num, refuse } from './state';

/** What a node becomes: a layer call on its inputs, or an alias of its first input. */
export type Mapped = { readonly call: string; readonly inputs: readonly string[] } | { readonly alias: string };

/** `3` for a square window, `(3, 5)` otherwise. */
function pair(v: readonly number[]): string {
  return v.every((x) => x === v[0]) ? `${v[0]}` : `(${v.join(', ')})`;
}

/** ONNX pads [top, left, bottom, right] (or auto_pad) → Stride's padding argument; '' when none. */
function padding(n: Node): string {
  const auto = n.attrs.get('auto_pad');
  if (auto === 'SAME_UPPER') return ', padding: same';
  if (auto === 'SAME_LOWER') refuse(n, 'auto_pad SAME_LOWER has no Stride padding');
  const pads = ints(n, 'pads', [0, 0, 0, 0]);
  if (pads.length !== 4) refuse(n, `pads (${pads.join(', ')}) are not those of a 2-D window`);
  if (pads.every((p) => p === 0)) return '';
  if (pads.every((p) => p === pads[0])) return `, padding: ${pads[0]}`;
  const [t, l, b, r] = pads;
  if (t === b && l === r) return `, padding: (${t}, ${l})`;
  return `, padding: (${t}, ${b}, ${l}, ${r})`;
}

function conv(g: Graph, n: Node): Mapped {
  const w = g.dims.get(n.inputs[1]);
  if (!w || w.length !== 4) return refuse(n, 'only 2-D convolutions with constant weights are imported');
  const strides = ints(n, 'strides', [1, 1]);
  const dil = ints(n, 'dilations', [1, 1]);
  const group = num(n, 'group', 1);
  let args = `${w[0]}, ${pair(w.slice(2))}`;
  if (strides.some((s) => s !== 1)) args += `, stride: ${pair(strides)}`;
  args += padding(n);
  if (dil.some((d) => d !== 1)) args += `, dilation: ${pair(dil)}`;
  if (group !== 1) args += `, groups: ${group}`;
  if (n.inputs.length < 3 || !n.inputs[2]) args += ', bias: false';
  return { call: `conv2d(${args})`, inputs: [n.inputs[0]] };
}

function pool(n: Node, kind: 'maxpool2d' | 'avgpool2d'): Mapped {
  const k = ints(n, 'kernel_shape', []);
  if (k.length !== 2) return refuse(n, 'only 2-D pooling is imported');
  const strides = ints(n, 'strides', [1, 1]);
  let args = pair(k);
  if (strides.some((s, i) => s !== k[i])) args += `, stride: ${pair(strides)}`;
  const pad = padding(n);
  args += pad;
  if (num(n, 'ceil_mode', 0) === 1) args += ', ceil_mode: true';
  if (kind === 'avgpool2d' && pad !== '') args += `, count_include_pad: ${num(n, 'count_include_pad', 0) === 1}`;
  return { call: `${kind}(${args})`, inputs: [n.inputs[0]] };
}

function dense(g: Graph, n: Node, bias: boolean): Mapped {
  const w = g.dims.get(n.inputs[1]);
  if (!w || w.length !== 2) return refuse(n, 'only products with a constant 2-D weight are imported');
  if (n.op === 'Gemm' && num(n, 'transA', 0) !== 0) refuse(n, 'transA is not imported');
  const units = n.op === 'Gemm' && num(n, 'transB', 0) === 1 ? w[0] : w[1];
  return { call: `dense(${units}${bias ? '' : ', bias: false'})`, inputs: [n.inputs[0]] };
}

function clip(g: Graph, n: Node): Mapped {
  const lo = n.inputs[1] ? g.values.get(n.inputs[1])?.[0] : num(n, 'min', -Infinity);
  const hi = n.inputs[2] ? g.values.get(n.inputs[2])?.[0] : num(n, 'max', Infinity);
  if (lo === 0 && hi === 6) return { call: 'relu6()', inputs: [n.inputs[0]] };
  return refuse(n, `only Clip(0, 6) (relu6) is imported, got (${lo}, ${hi})`);
}

function hardSigmoid(n: Node): Mapped {
  // PyTorch's Hardsigmoid is relu6(x + 3)/6; ONNX's default slope 0.2 is a different function.
  if (Math.abs(num(n, 'alpha', 0.2) - 1 / 6) > 1e-6 || Math.abs(num(n, 'beta', 0.5) - 0.5) > 1e-6) refuse(n, 'only alpha 1/6, beta 0.5 is imported');
  return { call: 'hard_sigmoid()', inputs: [n.inputs[0]] };
}

/** PyTorch's numeric padding crops a transposed convolution's full output; output_padding would extend it. */
function convTranspose(g: Graph, n: Node): Mapped {
  const w = g.dims.get(n.inputs[1]);
  if (!w || w.length !== 4) return refuse(n, 'only 2-D transposed convolutions with constant weights are imported');
  if (num(n, 'group', 1) !== 1) refuse(n, 'grouped transposed convolutions are not imported');
  if (ints(n, 'dilations', [1, 1]).some((d) => d !== 1)) refuse(n, 'Stride trains transposed convolutions with dilation 1 only');
  if (ints(n, 'output_padding', [0, 0]).some((p) => p !== 0) || n.attrs.has('output_shape') || n.attrs.has('auto_pad'))
    refuse(n, 'output_padding, output_shape and auto_pad are not imported');
  const pads = ints(n, 'pads', [0, 0, 0, 0]);
  if (pads.some((p) => p !== pads[0])) refuse(n, `asymmetric pads (${pads.join(', ')}) are not imported`);
  const strides = ints(n, 'strides', [1, 1]);
  let args = `${w[1]}, ${pair(w.slice(2))}`;
  if (strides.some((s) => s !== 1)) args += `, stride: ${pair(strides)}`;
  if (pads[0] !== 0) args += `, padding: ${pads[0]}`;
  if (n.inputs.length < 3 || !n.inputs[2]) args += ', bias: false';
  return { call: `conv2d_transpose(${args})`, inputs: [n.inputs[0]] };
}

const plain =
  (call: string) =>
  (_g: Graph, n: Node): Mapped => ({ call, inputs: [n.inputs[0]] });
const alias = (_g: Graph, n: Node): Mapped => ({ alias: n.inputs[0] });

/** Operators with one meaning whatever their context (Transpose, Flatten, Reshape, Add depend on it: see walk.ts). */
export const TABLE: Readonly<Record<string, (g: Graph, n: Node) => Mapped>> = {
  Conv: conv,
  BatchNormalization: (_g, n) => ({ call: `batchnorm(epsilon: ${float(num(n, 'epsilon', 1e-5))})`, inputs: [n.inputs[0]] }),
  Relu: plain('relu()'),
  Sigmoid: plain('sigmoid()'),
  Tanh: plain('tanh()'),
  HardSwish: plain('hard_swish()'),
  HardSigmoid: (_g, n) => hardSigmoid(n),
  Clip: clip,
  MaxPool: (_g, n) => pool(n, 'maxpool2d'),
  AveragePool: (_g, n) => pool(n, 'avgpool2d'),
  Gemm: (g, n) => dense(g, n, n.inputs.length > 2 && n.inputs[2] !== ''),
  Identity: alias,
  ConvTranspose: convTranspose,
  LeakyRelu: (_g, n) => ({ call: `leaky_relu(alpha: ${float(num(n, 'alpha', 0.01))})`, inputs: [n.inputs[0]] }),
  Elu: (_g, n) => ({ call: `elu(alpha: ${float(num(n, 'alpha', 1))})`, inputs: [n.inputs[0]] }),
  Softplus: plain('softplus()'),
  Dropout: alias,
};
