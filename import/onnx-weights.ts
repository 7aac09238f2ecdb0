// The weights of an ONNX graph in Stride's layout: every layer the importer writes with weights (Conv, BatchNormalization,
// Gemm, MatMul), in graph order, converted from channels-first ONNX to channels-last tfjs.

import { onnx } from 'onnx-proto';
import type { Graph, Node } from './graph';
import type { LayerWeights } from './imported';
import { ImportError } from './read';

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

/** Conv: kernel (O, I/groups, kh, kw) → (kh, kw, I/groups, O), which for a depthwise one holds (kh, kw, C, mult)'s order. */
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
  const bias = add?.inputs.find((t) => g.dims.has(t));
  return bias === undefined ? [kernel] : [kernel, flat(w.get(bias, add as Node))];
}

/** Whether a dense layer's input rows come from flattening an NCHW map (not a transpose to NHWC first). */
function rowsChw(g: Graph, n: Node): boolean {
  const producer = (t: string) => g.nodes.find((p) => p.outputs.includes(t));
  const through = (t: string): Node | undefined => {
    const p = producer(t);
    return p && (p.op === 'Identity' || p.op === 'Dropout') ? through(p.inputs[0]) : p;
  };
  const f = through(n.inputs[0]);
  if (!f || (f.op !== 'Flatten' && f.op !== 'Reshape')) return false;
  const before = through(f.inputs[0]);
  return !(before?.op === 'Transpose' && String(before.attrs.get('perm')) === '0,2,3,1');
}

/** Reads the weights of every layer with weights, in the order the importer writes the layers. */
export function onnxWeights(g: Graph, init: Initializers): OnnxLayerWeights[] {
  const out: OnnxLayerWeights[] = [];
  for (const n of g.nodes) {
    const line = `${n.op} node '${n.name}'`;
    if (n.op === 'Conv') out.push({ line, tensors: conv(init, n), rowsChw: false });
    else if (n.op === 'BatchNormalization') out.push({ line, tensors: batchNorm(init, n), rowsChw: false });
    else if (n.op === 'Gemm') out.push({ line, tensors: gemm(init, n), rowsChw: rowsChw(g, n) });
    else if (n.op === 'MatMul') out.push({ line, tensors: matMul(g, init, n), rowsChw: rowsChw(g, n) });
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
    if (!lw.rowsChw || !flattened || flattened.length !== 3) return { line: lw.line, tensors: lw.tensors };
    const [h, w, c] = flattened as number[];
    if (h * w === 1) return { line: lw.line, tensors: lw.tensors };
    return { line: lw.line, tensors: [rowsToHwc(lw.tensors[0], h, w, c), ...lw.tensors.slice(1)] };
  });
}
