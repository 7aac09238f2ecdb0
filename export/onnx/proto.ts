// The ONNX protobuf writer: a plain graph description (nodes, initializers, boundary tensors) encoded as a ModelProto.

import { onnx } from 'onnx-proto';

/** The operator set every exported model imports, and the IR version that goes with it (ONNX 1.12). */
export const OPSET = 17;
export const IR_VERSION = 8;

/** A constant tensor: float32 weights, int64 shapes and indices. */
export interface Tensor {
  readonly name: string;
  readonly dims: readonly number[];
  readonly type: 'float' | 'int64';
  readonly data: Float32Array | readonly number[];
}

/** One attribute value, tagged with its ONNX type (a bare number would not say whether it is an int or a float). */
export type AttrValue =
  | { readonly i: number }
  | { readonly f: number }
  | { readonly s: string }
  | { readonly ints: readonly number[] }
  | { readonly floats: readonly number[] }
  | { readonly strings: readonly string[] }
  | { readonly t: Tensor };

export interface OpNode {
  readonly op: string;
  readonly name: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attrs: Readonly<Record<string, AttrValue>>;
}

/** A graph input or output: its name and shape, `null` for the dynamic batch dimension. */
export interface Boundary {
  readonly name: string;
  readonly shape: readonly (number | null)[];
}

export interface GraphDescription {
  readonly name: string;
  readonly doc?: string;
  readonly nodes: readonly OpNode[];
  readonly initializers: readonly Tensor[];
  readonly inputs: readonly Boundary[];
  readonly outputs: readonly Boundary[];
  /** Inner tensors with the shapes Stride inferred: readers show them, and the checker's shape inference must agree. */
  readonly shapes: readonly Boundary[];
}

/** The name of the dynamic batch dimension on every input and output. */
export const BATCH = 'N';

const T = onnx.TensorProto.DataType;
const A = onnx.AttributeProto.AttributeType;

function tensorProto(t: Tensor): onnx.ITensorProto {
  if (t.type === 'float') {
    const data = t.data instanceof Float32Array ? t.data : Float32Array.from(t.data);
    // Raw little-endian bytes: compact, and what every ONNX reader accepts for float32.
    return { name: t.name, dims: [...t.dims], dataType: T.FLOAT, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  }
  const data = BigInt64Array.from(Array.from(t.data, (v) => BigInt(v)));
  return { name: t.name, dims: [...t.dims], dataType: T.INT64, rawData: new Uint8Array(data.buffer) };
}

function attribute(name: string, v: AttrValue): onnx.IAttributeProto {
  if ('i' in v) return { name, type: A.INT, i: v.i };
  if ('f' in v) return { name, type: A.FLOAT, f: v.f };
  if ('s' in v) return { name, type: A.STRING, s: new TextEncoder().encode(v.s) };
  if ('ints' in v) return { name, type: A.INTS, ints: [...v.ints] };
  if ('floats' in v) return { name, type: A.FLOATS, floats: [...v.floats] };
  if ('strings' in v) return { name, type: A.STRINGS, strings: v.strings.map((s) => new TextEncoder().encode(s)) };
  return { name, type: A.TENSOR, t: tensorProto(v.t) };
}

function valueInfo(b: Boundary): onnx.IValueInfoProto {
  const dim = b.shape.map((d) => (d === null ? { dimParam: BATCH } : { dimValue: d }));
  return { name: b.name, type: { tensorType: { elemType: T.FLOAT, shape: { dim } } } };
}

/** Encodes a graph as an ONNX model file (opset 17). */
export function encodeModel(g: GraphDescription): Uint8Array {
  const graph: onnx.IGraphProto = {
    name: g.name,
    docString: g.doc,
    node: g.nodes.map((n) => ({
      opType: n.op,
      name: n.name,
      input: [...n.inputs],
      output: [...n.outputs],
      attribute: Object.entries(n.attrs).map(([k, v]) => attribute(k, v)),
    })),
    initializer: g.initializers.map(tensorProto),
    input: g.inputs.map(valueInfo),
    output: g.outputs.map(valueInfo),
    valueInfo: g.shapes.map(valueInfo),
  };
  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    producerName: 'stride',
    opsetImport: [{ domain: '', version: OPSET }],
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}
