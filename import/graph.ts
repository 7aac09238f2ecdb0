// The ONNX graph as the importer reads it: nodes with plain attributes, initializer shapes and values, the census of
// operators it cannot import.

import { onnx } from 'onnx-proto';
import { ImportError } from './read';

export interface Node {
  readonly op: string;
  readonly name: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attrs: ReadonlyMap<string, number | readonly number[] | string>;
}

export interface Graph {
  readonly name: string;
  readonly nodes: readonly Node[];
  /** Initializer (and Constant node) shapes by tensor name. */
  readonly dims: ReadonlyMap<string, readonly number[]>;
  /** Small initializer values: the bounds of Clip, pads, slice ranges, reshape targets. */
  readonly values: ReadonlyMap<string, readonly number[]>;
  /** Constants (initializers and Constant node outputs) whose every element is zero: a recurrent layer's initial states. */
  readonly zeros: ReadonlySet<string>;
  /** The names of the initializers (weights); Constant node outputs are in `dims` but not here. */
  readonly initializers: ReadonlySet<string>;
  /** Shapes the file declares for tensors (inputs, outputs, value_info), unknown dimensions as null. */
  readonly shapes: ReadonlyMap<string, readonly (number | null)[]>;
  /** The first of `inputs`. */
  readonly input: GraphInput;
  /** The graph's inputs other than weights, in the file's order. */
  readonly inputs: readonly GraphInput[];
  /** The graph's outputs, in the file's order. */
  readonly outputs: readonly string[];
}

export interface GraphInput {
  readonly name: string;
  readonly shape: readonly (number | null)[];
}

function attrValue(a: onnx.IAttributeProto): number | readonly number[] | string {
  const A = onnx.AttributeProto.AttributeType;
  switch (a.type) {
    case A.INT:
      return Number(a.i);
    case A.FLOAT:
      return a.f ?? 0;
    case A.INTS:
      return (a.ints ?? []).map(Number);
    case A.FLOATS:
      return a.floats ?? [];
    case A.STRING:
      return Buffer.from(a.s ?? new Uint8Array()).toString('utf8');
    case A.STRINGS:
      // The activations of a recurrent operator: read as one comma-separated string.
      return (a.strings ?? []).map((s) => Buffer.from(s).toString('utf8')).join(',');
    default:
      return [];
  }
}

const T = onnx.TensorProto.DataType;
/** Bytes per element of the element types a file may hold weights or shapes in. */
const WIDTH: Readonly<Record<number, number>> = {
  [T.FLOAT]: 4,
  [T.INT64]: 8,
  [T.INT32]: 4,
  [T.DOUBLE]: 8,
  [T.FLOAT16]: 2,
  [T.UINT8]: 1,
  [T.INT8]: 1,
  [T.BOOL]: 1,
};
/** Values are read only from small tensors (shapes, pads, bounds): weights are not needed to write the text. */
const SMALL = 256;

function tensorValues(t: onnx.ITensorProto): number[] {
  if (t.floatData && t.floatData.length > 0) return t.floatData.slice(0, SMALL);
  if (t.int64Data && t.int64Data.length > 0) return t.int64Data.slice(0, SMALL).map(Number);
  if (t.int32Data && t.int32Data.length > 0) return t.int32Data.slice(0, SMALL);
  const raw = t.rawData;
  if (!raw || raw.length > SMALL) return [];
  const view = new DataView(raw.buffer, raw.byteOffset, raw.length);
  const out: number[] = [];
  if (t.dataType === T.FLOAT) for (let i = 0; i + 4 <= raw.length; i += 4) out.push(view.getFloat32(i, true));
  if (t.dataType === T.INT64) for (let i = 0; i + 8 <= raw.length; i += 8) out.push(Number(view.getBigInt64(i, true)));
  if (t.dataType === T.INT32) for (let i = 0; i + 4 <= raw.length; i += 4) out.push(view.getInt32(i, true));
  return out;
}

/** Whether every element of a float tensor is zero (a raw zero byte pattern is +0 in every float type). */
function allZero(t: onnx.ITensorProto): boolean {
  if (t.dataType !== T.FLOAT) return false;
  if (t.rawData && t.rawData.length > 0) return t.rawData.every((b) => b === 0);
  return (t.floatData?.length ?? 0) > 0 && (t.floatData ?? []).every((x) => x === 0);
}

/** A tensor whose dimensions do not match the data it holds is a malformed file (or a header written to mislead). */
function checkTensor(name: string, t: onnx.ITensorProto): readonly number[] {
  const dims = (t.dims ?? []).map(Number);
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0)) throw new ImportError(`tensor '${name}' has invalid dimensions (${dims.join(', ')})`);
  const count = dims.reduce((a, b) => a * b, 1);
  const held = t.rawData?.length
    ? t.rawData.length / (WIDTH[t.dataType ?? 0] ?? 1)
    : Math.max(t.floatData?.length ?? 0, t.int64Data?.length ?? 0, t.int32Data?.length ?? 0, t.doubleData?.length ?? 0);
  // Data stored outside the file (external data) holds nothing here; its dimensions still bound the counts.
  const external = t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL;
  if (!external && held !== count) throw new ImportError(`tensor '${name}' declares dimensions (${dims.join(', ')}), ${count} elements, but holds ${held}`);
  return dims;
}

/** Lists each unsupported operator with how many nodes use it and their names, in one error. */
export function refuseUnsupported(nodes: readonly Node[], supported: (n: Node) => boolean): void {
  const bad = new Map<string, string[]>();
  for (const n of nodes) if (!supported(n)) bad.set(n.op, [...(bad.get(n.op) ?? []), n.name || '(unnamed)']);
  if (bad.size === 0) return;
  const lines = [...bad].map(([op, names]) => `  ${op} ×${names.length}: ${names.slice(0, 8).join(', ')}${names.length > 8 ? ', …' : ''}`);
  throw new ImportError(`unsupported ONNX operators:\n${lines.join('\n')}`);
}

function nodeOf(n: onnx.INodeProto, i: number): Node {
  const op = n.opType ?? '';
  return {
    op,
    name: n.name || `${op}_${i}`,
    inputs: n.input ?? [],
    outputs: n.output ?? [],
    attrs: new Map((n.attribute ?? []).map((a) => [a.name ?? '', attrValue(a)])),
  };
}

function constants(g: onnx.IGraphProto): Map<string, onnx.ITensorProto> {
  const all = new Map<string, onnx.ITensorProto>();
  for (const t of g.initializer ?? []) all.set(t.name ?? '', t);
  for (const n of g.node ?? []) {
    const t = (n.attribute ?? []).find((a) => a.name === 'value')?.t;
    if (n.opType === 'Constant' && t && n.output) all.set(n.output[0], t);
  }
  return all;
}

function shapeOf(v: onnx.IValueInfoProto): (number | null)[] {
  return (v.type?.tensorType?.shape?.dim ?? []).map((d) => (d.dimValue != null && Number(d.dimValue) > 0 ? Number(d.dimValue) : null));
}

/** Reads the decoded model into the importer's graph; its inputs are the graph inputs that are not initializers. */
export function graphOf(model: onnx.ModelProto): Graph {
  const g = model.graph as onnx.IGraphProto;
  const dims = new Map<string, readonly number[]>();
  const values = new Map<string, readonly number[]>();
  const zeros = new Set<string>();
  for (const [name, t] of constants(g)) {
    dims.set(name, checkTensor(name, t));
    values.set(name, tensorValues(t));
    if (allZero(t)) zeros.add(name);
  }
  const nodes = (g.node ?? []).map(nodeOf);
  // PyTorch shares equal weights through Identity nodes: their outputs are those weights under another name.
  const initializers = new Set((g.initializer ?? []).map((t) => t.name ?? ''));
  for (const n of nodes)
    if (n.op === 'Identity' && dims.has(n.inputs[0] ?? '')) {
      dims.set(n.outputs[0], dims.get(n.inputs[0]) as readonly number[]);
      values.set(n.outputs[0], values.get(n.inputs[0]) ?? []);
      if (initializers.has(n.inputs[0])) initializers.add(n.outputs[0]);
    }
  const outputs = g.output ?? [];
  if (outputs.length === 0) throw new ImportError('the graph declares no output');
  const shapes = new Map([...(g.input ?? []), ...(g.valueInfo ?? []), ...outputs].map((v) => [v.name ?? '', shapeOf(v)]));
  const inputs = (g.input ?? []).filter((i) => !dims.has(i.name ?? '')).map((i) => ({ name: i.name ?? '', shape: shapes.get(i.name ?? '') ?? [] }));
  if (inputs.length === 0) throw new ImportError('the graph has no input besides its weights');
  return { name: g.name ?? '', nodes, dims, values, zeros, initializers, shapes, input: inputs[0], inputs, outputs: outputs.map((o) => o.name ?? '') };
}
