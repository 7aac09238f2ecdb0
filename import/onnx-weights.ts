// The weights of an ONNX graph in Stride's layout: every layer the importer writes with weights (convolutions, transposed
// convolutions, batch and layer normalisation, dense layers, per-channel factors), in the text's order, converted from
// channels-first ONNX to channels-last tfjs.

import { onnx } from 'onnx-proto';
import type { Graph, Node } from './graph';
import type { WrittenLayer } from './walk';
import type { LayerWeights } from './imported';
import { ImportError } from './read';
import { SEQUENCE_CONVERTERS } from './sequence-weights';

type Tensor = LayerWeights['tensors'][number];

/** Weights of one layer, and whether its rows follow an NCHW flatten (a dense layer that Stride feeds NHWC rows). */
export interface OnnxLayerWeights extends LayerWeights {
  readonly rowsChw: boolean;
}

/**
 * Initializers (and Constant node values) by name, decoded when first asked. PyTorch's fused export shares equal
 * tensors between nodes, through Identity nodes that rename one initializer: a name is followed through them.
 */
export class Initializers {
  private readonly protos = new Map<string, onnx.ITensorProto>();
  private readonly decoded = new Map<string, Tensor>();

  constructor(g: onnx.IGraphProto) {
    for (const t of g.initializer ?? []) this.protos.set(t.name ?? '', t);
    for (const n of g.node ?? []) {
      const t = (n.attribute ?? []).find((a) => a.name === 'value')?.t;
      if (n.opType === 'Constant' && t && n.output) this.protos.set(n.output[0], t);
      const source = n.opType === 'Identity' && n.input?.[0] ? this.protos.get(n.input[0]) : undefined;
      if (source && n.output) this.protos.set(n.output[0], source);
    }
  }

  has(name: string): boolean {
    return this.protos.has(name);
  }

  /** The float32 tensor `name`; a missing tensor, another data type or data stored outside the file is refused. */
  get(name: string, node: Node): Tensor {
    const known = this.decoded.get(name);
    if (known) return known;
    const t = this.protos.get(name);
    if (!t) throw new ImportError(`${node.op} node '${node.name}': its weight '${name}' is not a constant of the graph`);
    const tensor = { shape: (t.dims ?? []).map(Number), data: floatData(t, `${node.op} node '${node.name}': weight '${name}'`) };
    this.decoded.set(name, tensor);
    return tensor;
  }
}

function floatData(t: onnx.ITensorProto, what: string): Float32Array {
  const T = onnx.TensorProto;
  if (t.dataType !== T.DataType.FLOAT)
    throw new ImportError(`${what} is ${T.DataType[t.dataType ?? 0] ?? t.dataType}; only FLOAT (float32) weights are imported`);
  if (t.dataLocation === T.DataLocation.EXTERNAL)
    throw new ImportError(`${what} is stored in an external file; only weights inside the .onnx file are imported`);
  const count = (t.dims ?? []).map(Number).reduce((a, d) => a * d, 1);
  const raw = t.rawData;
  if (raw && raw.length > 0) {
    if (raw.length !== count * 4) throw new ImportError(`${what} holds ${raw.length} bytes, not the ${count * 4} its shape needs`);
    // raw_data is little-endian float32, as every platform Node runs on: a byte copy (which also aligns it) suffices.
    const out = new Float32Array(count);
    new Uint8Array(out.buffer).set(raw);
    return out;
  }
  const floats = t.floatData ?? [];
  if (floats.length !== count) throw new ImportError(`${what} holds ${floats.length} values, not the ${count} its shape needs`);
  return Float32Array.from(floats);
}

/** A 4-D array permuted: `perm[i]` is the source axis of output axis i. */
function permute4(t: Tensor, perm: readonly number[]): Tensor {
  const s = t.shape;
  const shape = perm.map((p) => s[p]);
  const stride = [s[1] * s[2] * s[3], s[2] * s[3], s[3], 1];
  const st = perm.map((p) => stride[p]);
  const out = new Float32Array(t.data.length);
  let k = 0;
  for (let a = 0; a < shape[0]; a++)
    for (let b = 0; b < shape[1]; b++)
      for (let c = 0; c < shape[2]; c++) {
        const base = a * st[0] + b * st[1] + c * st[2];
        for (let d = 0; d < shape[3]; d++) out[k++] = t.data[base + d * st[3]];
      }
  return { shape, data: out };
}

function transpose2(t: Tensor): Tensor {
  const [r, c] = t.shape;
  const out = new Float32Array(t.data.length);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = t.data[i * c + j];
  return { shape: [c, r], data: out };
}

const flat = (t: Tensor): Tensor => ({ shape: [t.data.length], data: t.data });
const scaled = (t: Tensor, by: number): Tensor => (by === 1 ? t : { shape: t.shape, data: t.data.map((x) => x * by) });
const num = (n: Node, key: string, fallback: number): number => {
  const v = n.attrs.get(key);
  return typeof v === 'number' ? v : fallback;
};

/**
 * Conv: kernel (O, I/groups, kh, kw) → (kh, kw, I/groups, O), which for a depthwise one holds (kh, kw, C, mult)'s order.
 * ConvTranspose: kernel (I, O, kh, kw) → (kh, kw, O, I), the layout of tfjs's Conv2DTranspose: the same permutation.
 */
function conv(w: Initializers, n: Node): Tensor[] {
  const kernel = permute4(w.get(n.inputs[1], n), [2, 3, 1, 0]);
  return n.inputs[2] ? [kernel, flat(w.get(n.inputs[2], n))] : [kernel];
}

function batchNorm(w: Initializers, n: Node): Tensor[] {
  // ONNX orders scale, B, mean, var as tfjs orders gamma, beta, moving mean, moving variance.
  return n.inputs.slice(1, 5).map((name) => flat(w.get(name, n)));
}

/** Gemm computes alpha·A·B' + beta·C: the kernel is B (transposed back when transB) times alpha. */
function gemm(w: Initializers, n: Node): Tensor[] {
  const b = w.get(n.inputs[1], n);
  const kernel = scaled(num(n, 'transB', 0) === 1 ? transpose2(b) : b, num(n, 'alpha', 1));
  if (!n.inputs[2]) return [kernel];
  const bias = flat(scaled(w.get(n.inputs[2], n), num(n, 'beta', 1)));
  if (bias.data.length !== kernel.shape[1])
    throw new ImportError(`Gemm node '${n.name}': a bias of ${bias.data.length} values broadcast over ${kernel.shape[1]} units is not imported`);
  return [kernel, bias];
}

/** MatMul with a constant (in, out) weight, and the bias of the Add after it that the importer folds in. */
function matMul(g: Graph, w: Initializers, n: Node): Tensor[] {
  const kernel = w.get(n.inputs[1], n);
  const next = g.nodes.filter((c) => c.inputs.includes(n.outputs[0]));
  const add = next.length === 1 && next[0].op === 'Add' ? next[0] : undefined;
  // The walk folds the Add whose other input is an initializer (walk's matMul): the same test here.
  const bias = add?.inputs.find((t) => g.initializers.has(t));
  return bias === undefined ? [kernel] : [kernel, flat(w.get(bias, add as Node))];
}

/** A MatMul on an image is written as a 1×1 convolution: the (in, out) kernel becomes (1, 1, in, out). */
function pointwise(g: Graph, w: Initializers, n: Node): Tensor[] {
  const [kernel, ...bias] = matMul(g, w, n);
  return [{ shape: [1, 1, ...kernel.shape], data: kernel.data }, ...bias];
}

/**
 * LayerNormalization: gamma when the scale is a weight, beta when there is a bias. A scale that is a constant of the
 * graph is written `scale: false`, which is right only when every factor is 1.
 */
function layerNorm(g: Graph, w: Initializers, n: Node): Tensor[] {
  const out: Tensor[] = [];
  const scale = n.inputs[1] ? w.get(n.inputs[1], n) : undefined;
  if (scale && g.initializers.has(n.inputs[1])) out.push(flat(scale));
  else if (scale && scale.data.some((x) => x !== 1))
    throw new ImportError(`LayerNormalization node '${n.name}': its scale is a constant other than 1, which a layernorm without scale cannot hold`);
  if (n.inputs[2]) out.push(flat(w.get(n.inputs[2], n)));
  return out;
}

/** Mul by a factor per channel (possibly reshaped to broadcast over an NCHW image): `scale()`'s gamma. */
function factor(g: Graph, w: Initializers, n: Node): Tensor[] {
  const producer = (t: string) => g.nodes.find((p) => p.outputs.includes(t));
  for (const t of n.inputs) {
    if (g.initializers.has(t)) return [flat(w.get(t, n))];
    const p = producer(t);
    if (p?.op === 'Reshape' && g.initializers.has(p.inputs[0])) return [flat(w.get(p.inputs[0], n))];
  }
  throw new ImportError(`Mul node '${n.name}': its factor is not a weight of the graph`);
}

type Converter = (g: Graph, w: Initializers, n: Node) => Tensor[];

/** For each layer kind with weights, the converter for each operator the walk writes it from. */
const CONVERTERS: Readonly<Record<string, Readonly<Record<string, Converter>>>> = {
  conv2d: { Conv: (_g, w, n) => conv(w, n), MatMul: pointwise },
  conv2d_transpose: { ConvTranspose: (_g, w, n) => conv(w, n) },
  batchnorm: { BatchNormalization: (_g, w, n) => batchNorm(w, n) },
  dense: { Gemm: (_g, w, n) => gemm(w, n), MatMul: matMul },
  layernorm: { LayerNormalization: layerNorm },
  scale: { Mul: factor },
  ...SEQUENCE_CONVERTERS,
};

/** The layer kinds whose weights are imported from ONNX. */
export const CONVERTED_KINDS: ReadonlySet<string> = new Set(Object.keys(CONVERTERS));

/**
 * Reads the weights of every layer the walk wrote with weights, in the order it wrote them (the text's order). A layer
 * kind with weights written from an operator no converter reads is refused, naming the node.
 */
export function onnxWeights(g: Graph, init: Initializers, layers: readonly WrittenLayer[]): OnnxLayerWeights[] {
  const out: OnnxLayerWeights[] = [];
  for (const { kind, source: n, rowsChw } of layers) {
    const byOp = CONVERTERS[kind];
    if (!byOp || !n) continue;
    const convert = byOp[n.op];
    if (!convert) throw new ImportError(`${n.op} node '${n.name}': the weights of a ${kind} written from it are not imported`);
    const tensors = convert(g, init, n);
    // A layernorm without scale and centre learns nothing: the text's layer has no weights either.
    if (tensors.length > 0) out.push({ line: `${n.op} node '${n.name}'`, tensors, rowsChw: kind === 'dense' && rowsChw });
  }
  return out;
}

/** Kernel rows of an NCHW flatten of a (C, H, W) map put in the NHWC order Stride's flatten produces. */
function rowsToHwc(kernel: Tensor, h: number, w: number, c: number): Tensor {
  const units = kernel.shape[1];
  const out = new Float32Array(kernel.data.length);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let ch = 0; ch < c; ch++) {
        const from = (ch * h * w + y * w + x) * units;
        out.set(kernel.data.subarray(from, from + units), ((y * w + x) * c + ch) * units);
      }
  return { shape: kernel.shape, data: out };
}

/**
 * The weights as the text's layers hold them: the dense layers that follow an NCHW flatten of a map larger than 1×1
 * get their rows reordered, since Stride flattens (H, W, C). `layers` are the text's layers with weights, in order.
 */
export function inTextLayout(
  weights: readonly OnnxLayerWeights[],
  layers: readonly { readonly kind: string; readonly flattened: readonly (number | null)[] | null }[],
): LayerWeights[] {
  return weights.map((lw, i) => {
    const flattened = layers[i]?.flattened;
    if (!lw.rowsChw || !flattened || flattened.length < 2 || flattened.length > 3) return { line: lw.line, tensors: lw.tensors };
    // A sequence (L, C) is a map of height 1.
    const [h, w, c] = (flattened.length === 2 ? [1, ...flattened] : flattened) as number[];
    if (h * w === 1) return { line: lw.line, tensors: lw.tensors };
    return { line: lw.line, tensors: [rowsToHwc(lw.tensors[0], h, w, c), ...lw.tensors.slice(1)] };
  });
}
