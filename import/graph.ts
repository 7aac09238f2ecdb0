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
  /** Small initializer values, for the bounds of Clip. */
  readonly values: ReadonlyMap<string, readonly number[]>;
  readonly input: { readonly name: string; readonly shape: readonly (number | null)[] };
  readonly output: string;
}

/** The operators this importer maps to Stride layers (or drops, for Identity and Dropout). */
export const SUPPORTED = new Set([
  'Conv',
  'BatchNormalization',
  'Relu',
  'Clip',
  'Sigmoid',
  'HardSigmoid',
  'HardSwish',
  'Tanh',
  'MaxPool',
  'AveragePool',
  'GlobalAveragePool',
  'Flatten',
  'Reshape',
  'Gemm',
  'MatMul',
  'Add',
  'Concat',
  'Softmax',
  'Identity',
  'Dropout',
  'Transpose',
  'Constant',
]);

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
    default:
      return [];
  }
}

function tensorValues(t: onnx.ITensorProto): number[] {
  if (t.floatData && t.floatData.length > 0) return t.floatData;
  if (t.int64Data && t.int64Data.length > 0) return t.int64Data.map(Number);
  const raw = t.rawData;
  if (!raw || raw.length > 64) return [];
  const view = new DataView(raw.buffer, raw.byteOffset, raw.length);
  const out: number[] = [];
  if (t.dataType === onnx.TensorProto.DataType.FLOAT) for (let i = 0; i < raw.length; i += 4) out.push(view.getFloat32(i, true));
  return out;
}

/** Lists each unsupported operator with how many nodes use it and their names, in one error. */
export function refuseUnsupported(nodes: readonly Node[]): void {
  const bad = new Map<string, string[]>();
  for (const n of nodes) if (!SUPPORTED.has(n.op)) bad.set(n.op, [...(bad.get(n.op) ?? []), n.name || '(unnamed)']);
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

/** Reads the decoded model into the importer's graph; the first non-initializer input is the image. */
export function graphOf(model: onnx.ModelProto): Graph {
  const g = model.graph as onnx.IGraphProto;
  const dims = new Map<string, readonly number[]>();
  const values = new Map<string, readonly number[]>();
  for (const [name, t] of constants(g)) {
    dims.set(name, (t.dims ?? []).map(Number));
    values.set(name, tensorValues(t));
  }
  const nodes = (g.node ?? []).map(nodeOf);
  const input = (g.input ?? []).find((i) => !dims.has(i.name ?? ''));
  if (!input) throw new ImportError('the graph has no input besides its weights');
  const shape = (input.type?.tensorType?.shape?.dim ?? []).map((d) => (d.dimValue != null && Number(d.dimValue) > 0 ? Number(d.dimValue) : null));
  const outputs = g.output ?? [];
  if (outputs.length !== 1) throw new ImportError(`the graph has ${outputs.length} outputs; only single-output graphs are imported`);
  return { name: g.name ?? '', nodes, dims, values, input: { name: input.name ?? '', shape }, output: outputs[0].name ?? '' };
}
