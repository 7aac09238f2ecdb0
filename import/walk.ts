// Walks the ONNX graph in its (topological) order into Stride statements and writes them as one `.stride` model.

import { CONTEXTUAL } from './context';
import { atReshape, findPatterns } from './fuse';
import { graphOf, refuseUnsupported, type Node } from './graph';
import { TABLE } from './layers';
import { ImportError } from './read';
import { render, type ModelOutput } from './render';
import { findSequencePatterns, SEQUENCE } from './sequence';
import { infoOf, isConstant, newWalk, refuse, resolve, type Info, type Walk } from './state';
import type { onnx } from 'onnx-proto';

export interface ImportOptions {
  /** Import up to the first node that cannot be imported, and say where it stopped, instead of refusing the file. */
  readonly partial?: boolean;
  /** One line per layer: repeated sub-graphs are not recovered as blocks. */
  readonly flat?: boolean;
}

/** Operators that need their input channels first (as ONNX holds images) and so keep it there. */
const CHANNELS_FIRST = new Set(['Conv', 'ConvTranspose', 'MaxPool', 'AveragePool', 'BatchNormalization']);

/** What is known of a table operator's output, from its input and its weights. */
function infoAfter(w: Walk, n: Node, x: Info): Info {
  const weight = w.g.dims.get(n.inputs[1] ?? '');
  if (n.op === 'Conv' && weight) return { cf: true, rank: 4, channels: weight[0] };
  if (n.op === 'ConvTranspose' && weight) return { cf: true, rank: 4, channels: weight[1] };
  if (n.op === 'Gemm' && weight) return { cf: false, rank: 2, channels: w.g.dims.get(n.inputs[1])?.[n.attrs.get('transB') === 1 ? 0 : 1] ?? null };
  return x;
}

function tableStep(w: Walk, n: Node): void {
  const map = TABLE[n.op];
  if (!map) refuse(n, 'the operator is not supported');
  const x = infoOf(w, n.inputs[0] ?? '');
  if (!x) refuse(n, `its input '${n.inputs[0] ?? ''}' is not produced by any node the importer read`);
  if (CHANNELS_FIRST.has(n.op) && x.rank > 2 && !x.cf) refuse(n, 'its input is channels-last, not the channels-first layout ONNX convolutions use');
  const m = map(w.g, n);
  if ('alias' in m) {
    w.alias.set(n.outputs[0], m.alias);
    w.info.set(n.outputs[0], x);
    return;
  }
  w.statements.push({ out: n.outputs[0], inputs: m.inputs.map((t) => resolve(w, t)), call: () => m.call, node: n.name, source: n });
  w.info.set(n.outputs[0], infoAfter(w, n, x));
}

function step(w: Walk, n: Node): void {
  if (n.op === 'Reshape') atReshape(w, n);
  if (w.absorbed.has(n) || constant(w, n)) return;
  const fused = w.fused.get(n);
  if (fused) {
    const x = infoOf(w, fused.inputs[0]);
    if (!x) refuse(n, `its input '${fused.inputs[0]}' is not produced by any node the importer read`);
    w.statements.push({ ...fused, inputs: fused.inputs.map((t) => resolve(w, t)) });
    w.info.set(fused.out, fused.info ?? x);
    return;
  }
  const contextual = CONTEXTUAL[n.op] ?? SEQUENCE[n.op];
  if (contextual) contextual(w, n);
  else tableStep(w, n);
}

function inputStatement(w: Walk): void {
  const s = w.g.input.shape;
  if (s.length === 2 || s.length === 3) return sequenceInput(w);
  if (s.length !== 4 || s.slice(1).some((d) => d === null))
    throw new ImportError(`the input '${w.g.input.name}' must have a fixed shape of 2 to 4 dimensions, got (${s.join(', ')})`);
  // NCHW unless the graph moves it to NCHW itself (a channels-last model, as Stride exports).
  const nhwc = w.g.nodes.some((n) => n.op === 'Transpose' && n.inputs[0] === w.g.input.name && String(n.attrs.get('perm')) === '0,3,1,2');
  const [h, wd, c] = (nhwc ? [s[1], s[2], s[3]] : [s[2], s[3], s[1]]) as number[];
  w.statements.push({ out: w.g.input.name, inputs: [], call: () => `input(${h}, ${wd}, ${c})` });
  w.info.set(w.g.input.name, { cf: !nhwc, rank: 4, channels: c });
}

/** (N, L) — token ids or features — is `input(L)`; (N, T, F), a sequence batch first, `input(T, F)`. */
function sequenceInput(w: Walk): void {
  const s = w.g.input.shape;
  if (s.slice(1).some((d) => d === null)) throw new ImportError(`the input '${w.g.input.name}' must have a fixed shape, got (${s.join(', ')})`);
  w.statements.push({ out: w.g.input.name, inputs: [], call: () => `input(${s.slice(1).join(', ')})` });
  w.info.set(w.g.input.name, { cf: false, rank: s.length, channels: s[s.length - 1] });
}

/** Constant nodes, and Identity nodes that rename a weight, are read into the graph's constants: nothing to write. */
const constant = (w: Walk, n: Node) => n.op === 'Constant' || (n.op === 'Identity' && isConstant(w, n.inputs[0] ?? ''));

const supported = (w: Walk) => (n: Node) => w.absorbed.has(n) || w.fused.has(n) || constant(w, n) || n.op in CONTEXTUAL || n.op in SEQUENCE || n.op in TABLE;

/**
 * The graph's outputs as the tensors the walk wrote, in the file's order, each with the name the file gives it. One
 * output is the model's last layer; several are declared with `output(…)`, and every layer must lead to one of them.
 */
function graphOutputs(w: Walk): ModelOutput[] {
  const outputs = w.g.outputs.map((name) => ({ name, tensor: resolve(w, name) }));
  const statements = new Map(w.statements.map((s) => [s.out, s]));
  if (outputs.length === 1) {
    if (w.statements[w.statements.length - 1].out !== outputs[0].tensor) throw new ImportError(`the graph output '${outputs[0].name}' is not its last layer`);
    return outputs;
  }
  outputs.forEach((o, i) => {
    const s = statements.get(o.tensor);
    if (!s) throw new ImportError(`the graph output '${o.name}' is not produced by any node the importer read`);
    if (s.inputs.length === 0) throw new ImportError(`the graph output '${o.name}' is a graph input: Stride writes outputs that layers compute`);
    const same = outputs.findIndex((p) => p.tensor === o.tensor);
    if (same < i) throw new ImportError(`the graph outputs '${outputs[same].name}' and '${o.name}' are the same tensor; Stride declares each output once`);
  });
  const live = new Set<string>();
  const stack = outputs.map((o) => o.tensor);
  for (let t = stack.pop(); t !== undefined; t = stack.pop()) {
    if (live.has(t)) continue;
    live.add(t);
    stack.push(...(statements.get(t)?.inputs ?? []));
  }
  const dead = w.statements.find((s) => s.inputs.length > 0 && !live.has(s.out));
  if (dead) throw new ImportError(`node '${dead.node ?? dead.out}' leads to none of the graph outputs (${w.g.outputs.join(', ')})`);
  return outputs;
}

/** A layer the walk wrote, in the text's order: its kind and the node it was written at (none for patterns and merges). */
export interface WrittenLayer {
  readonly kind: string;
  readonly source?: Node;
  /** Whether the layer reads a channels-first map flattened: a dense layer's rows then run (C, H, W). */
  readonly rowsChw: boolean;
}

/** Converts a decoded ONNX model into the text of a `.stride` file holding one model named `name`. */
export function importOnnx(model: onnx.ModelProto, name: string, options: ImportOptions = {}): string {
  return importOnnxLayers(model, name, options).text;
}

/**
 * The text, and every layer written in it in order (blocks recovered from the text keep that order), with the node
 * each came from: what the weights are read from.
 */
export function importOnnxLayers(model: onnx.ModelProto, name: string, options: ImportOptions = {}): { text: string; layers: WrittenLayer[] } {
  const g = graphOf(model);
  const w = newWalk(g);
  findPatterns(w);
  findSequencePatterns(w);
  if (!options.partial) refuseUnsupported(g.nodes, supported(w));
  // Each graph input is read as `inputStatement` reads the first: through a view of the walk whose graph starts there.
  for (const input of g.inputs) inputStatement({ ...w, g: { ...g, input } });
  let stopped = '';
  for (const n of g.nodes) {
    try {
      step(w, n);
    } catch (e) {
      if (!(e instanceof ImportError) || !options.partial) throw e;
      stopped = `# stopped at ${e.message}\n`;
      break;
    }
  }
  const outputs = stopped ? [] : graphOutputs(w);
  const layers = w.statements.map((s) => ({
    kind: /^(\w+)/.exec(s.call((t) => t))?.[1] ?? '',
    source: s.source,
    rowsChw: s.inputs.length > 0 && w.chwFlattened.has(s.inputs[0]),
  }));
  return { text: render(w.statements, name, g.name, options.flat, outputs) + stopped, layers };
}
