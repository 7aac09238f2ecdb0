// Walks the ONNX graph in its (topological) order into Stride statements and writes them as one `.stride` model.

import { graphOf, refuseUnsupported, type Graph, type Node } from './graph';
import { TABLE } from './layers';
import { ImportError } from './read';
import { render } from './render';
import type { onnx } from 'onnx-proto';

export interface ImportOptions {
  /** One line per layer: repeated sub-graphs are not recovered as blocks. */
  readonly flat?: boolean;
}

interface Statement {
  readonly out: string;
  readonly inputs: readonly string[];
  /** The layer call, given how to refer to the inputs after the first. */
  readonly call: (ref: (t: string) => string) => string;
  readonly node?: string;
  readonly explicit?: boolean;
}

interface Walk {
  readonly g: Graph;
  readonly alias: Map<string, string>;
  /** Tensors that are the flat output of a global pooling: a following Flatten or Reshape is a no-op. */
  readonly pooled: Set<string>;
  /** Add nodes folded into the MatMul before them as its bias. */
  readonly folded: Set<Node>;
  readonly statements: Statement[];
}

const resolve = (w: Walk, t: string): string => (w.alias.has(t) ? resolve(w, w.alias.get(t) as string) : t);
const consumers = (g: Graph, t: string): Node[] => g.nodes.filter((n) => n.inputs.includes(t));

function refuse(n: Node, why: string): never {
  throw new ImportError(`${n.op} node '${n.name}': ${why}`);
}

/** The nodes whose meaning depends on their neighbours; null when the operator table handles the node. */
function contextual(w: Walk, n: Node): Statement | 'alias' | null {
  const x = resolve(w, n.inputs[0] ?? '');
  const perm = n.attrs.get('perm');
  switch (n.op) {
    case 'Constant':
      return 'alias';
    case 'Transpose':
      // Stride is channels-last: a model that takes NHWC and moves to NCHW, or back before flattening, needs no layer.
      if (String(perm) === '0,3,1,2' && x === w.g.input.name) return 'alias';
      if (String(perm) === '0,2,3,1' && consumers(w.g, n.outputs[0]).every((c) => c.op === 'Flatten')) return 'alias';
      return refuse(n, `perm (${String(perm)}) is not a layout change the importer reads`);
    case 'GlobalAveragePool': {
      const flat = consumers(w.g, n.outputs[0]).every((c) => c.op === 'Flatten' || c.op === 'Reshape');
      if (flat) w.pooled.add(n.outputs[0]);
      return { out: n.outputs[0], inputs: [x], call: () => (flat ? 'globalavgpool2d()' : 'globalavgpool2d(keepdims: true)'), node: n.name };
    }
    case 'Flatten':
      return w.pooled.has(x) ? 'alias' : { out: n.outputs[0], inputs: [x], call: () => 'flatten()', node: n.name };
    case 'Reshape':
      if (w.pooled.has(x)) return 'alias';
      return refuse(n, 'only a Reshape that flattens a global pooling is imported');
    case 'Softmax':
      return { out: n.outputs[0], inputs: [x], call: () => 'softmax()', node: n.name };
    case 'MatMul':
      return matMul(w, n, x);
    case 'Add':
      return add(w, n);
    case 'Concat':
      // A concatenation of one tensor (PyTorch's `torch.cat([x])`, DenseNet's first layer) is that tensor.
      return n.inputs.length === 1 ? 'alias' : concat(w, n);
    default:
      return null;
  }
}

function matMul(w: Walk, n: Node, x: string): Statement {
  const dims = w.g.dims.get(n.inputs[1]);
  if (!dims || dims.length !== 2) refuse(n, 'only products with a constant 2-D weight are imported');
  const next = consumers(w.g, n.outputs[0]);
  const bias = next.length === 1 && next[0].op === 'Add' && next[0].inputs.some((t) => w.g.dims.has(t));
  if (bias) w.folded.add(next[0]);
  return { out: n.outputs[0], inputs: [x], call: () => `dense(${dims[1]}${bias ? '' : ', bias: false'})`, node: n.name };
}

function add(w: Walk, n: Node): Statement | 'alias' {
  if (w.folded.has(n)) {
    w.alias.set(n.outputs[0], n.inputs.find((t) => !w.g.dims.has(t)) as string);
    return 'alias';
  }
  if (n.inputs.some((t) => w.g.dims.has(t))) refuse(n, 'adding a constant is imported only as the bias of a MatMul');
  const [a, b] = n.inputs.map((t) => resolve(w, t));
  const last = w.statements[w.statements.length - 1]?.out;
  const [first, other] = b === last ? [b, a] : [a, b];
  return { out: n.outputs[0], inputs: [first, other], call: (ref) => `add(${ref(other)})`, node: n.name };
}

function concat(w: Walk, n: Node): Statement {
  // Channels are axis 1 in NCHW, the last axis (concat's default) in Stride.
  if (n.attrs.get('axis') !== 1 || n.inputs.some((t) => w.g.dims.has(t))) refuse(n, 'only a concatenation of tensors on the channel axis is imported');
  const inputs = n.inputs.map((t) => resolve(w, t));
  return { out: n.outputs[0], inputs, call: (ref) => `concat(${inputs.map(ref).join(', ')})`, node: n.name, explicit: true };
}

function step(w: Walk, n: Node): void {
  const c = contextual(w, n);
  if (c === 'alias') {
    if (n.op !== 'Constant') w.alias.set(n.outputs[0], n.inputs[0]);
    return;
  }
  if (c !== null) {
    w.statements.push(c);
    return;
  }
  const m = TABLE[n.op](w.g, n);
  if ('alias' in m) w.alias.set(n.outputs[0], m.alias);
  else w.statements.push({ out: n.outputs[0], inputs: m.inputs.map((t) => resolve(w, t)), call: () => m.call, node: n.name });
}

function inputStatement(w: Walk): Statement {
  const s = w.g.input.shape;
  if (s.length !== 4 || s.slice(1).some((d) => d === null))
    throw new ImportError(`the input '${w.g.input.name}' must have a fixed 4-D shape, got (${s.join(', ')})`);
  // NCHW unless the graph moves it to NCHW itself (a channels-last model, as Stride exports).
  const nhwc = w.g.nodes.some((n) => n.op === 'Transpose' && n.inputs[0] === w.g.input.name && String(n.attrs.get('perm')) === '0,3,1,2');
  const [h, wd, c] = nhwc ? [s[1], s[2], s[3]] : [s[2], s[3], s[1]];
  return { out: w.g.input.name, inputs: [], call: () => `input(${h}, ${wd}, ${c})` };
}

/** Converts a decoded ONNX model into the text of a `.stride` file holding one model named `name`. */
export function importOnnx(model: onnx.ModelProto, name: string, options: ImportOptions = {}): string {
  const g = graphOf(model);
  refuseUnsupported(g.nodes);
  const w: Walk = { g, alias: new Map(), pooled: new Set(), folded: new Set(), statements: [] };
  w.statements.push(inputStatement(w));
  for (const n of g.nodes) step(w, n);
  const out = resolve(w, g.output);
  if (w.statements[w.statements.length - 1].out !== out) throw new ImportError(`the graph output '${g.output}' is not its last layer`);
  return render(w.statements, name, g.name, options.flat);
}
