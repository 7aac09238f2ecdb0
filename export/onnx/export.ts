// ONNX export of one analysed model: walks its layers in order, asks each kind's emitter for operators, and keeps
// the boundary channels-last (a Transpose after each image input and before each image output).

import type { ModelAnalysis } from '../../core/analyze';
import type { ModelWeights, WeightArray } from '../../core/export/weights';
import type { LayerInfo } from '../../core/model/infer';
import type { ResolvedArgs } from '../../core/model/registry';
import { LineIndex } from '../../ide/line-index';
import { tfName } from '../../train/model-builder';
import { ExportRefused } from '../refusal';
import { emitterOf, type Ctx, type Refusal } from './emit';
import { GraphBuilder, type Val } from './graph';
import { encodeModel, type Boundary, type GraphDescription } from './proto';
import './conv';
import './layers';
import './pool';
import './sequence';

export interface OnnxOptions {
  /** Drop a final softmax or sigmoid, so the outputs are logits. */
  readonly logits?: boolean;
}

/** Layers on a path to an output: tfjs builds only these, so only these have weights. */
function liveLayers(model: ModelAnalysis): Set<number> {
  const live = new Set<number>();
  const stack = [...model.graph.outputs];
  while (stack.length > 0) {
    const id = stack.pop() as number;
    if (live.has(id)) continue;
    live.add(id);
    stack.push(...model.graph.nodes[id].inputs);
  }
  // An input that feeds nothing is still a model input.
  for (const id of model.graph.inputs) live.add(id);
  return live;
}

const SQUASHERS = new Set(['softmax', 'sigmoid']);

/** An output layer's arguments with its final softmax/sigmoid dropped, or `skip` when the layer is only that. */
function logitArgs(info: LayerInfo): ResolvedArgs | 'skip' {
  const { kind, args, def } = info.node;
  if (SQUASHERS.has(def?.activationFn ?? '') || (kind === 'activation' && SQUASHERS.has(String(args.fn)))) return 'skip';
  return SQUASHERS.has(String(args.activation)) ? { ...args, activation: 'linear' } : args;
}

function layerCtx(g: GraphBuilder, info: LayerInfo, args: ResolvedArgs, inputs: Val[], weights: ReadonlyMap<string, WeightArray>): Ctx {
  const base = tfName(info.node.name);
  const full = (key: string, suffix = '') => `${base}${suffix}/${key}`;
  return {
    g,
    args,
    inputs,
    out: info.shape as number[],
    has: (key, suffix) => weights.has(full(key, suffix)),
    weight: (key, suffix) => {
      const w = weights.get(full(key, suffix));
      if (!w) throw new Error(`weight '${full(key, suffix)}' is missing from the built model`);
      return w;
    },
    prefixOf: (start) => {
      const head = `${base}/${start}`;
      const name = [...weights.keys()].find((n) => n.startsWith(head)) ?? `${head}/`;
      return `${name.slice(base.length + 1, name.indexOf('/', head.length))}/`;
    },
  };
}

const known = (shape: readonly (number | null)[] | null): shape is number[] => shape !== null && shape.every((d) => d !== null);

/** What every layer's emission reads: the graph so far, the values of earlier layers, the weights by name. */
interface Walk {
  readonly g: GraphBuilder;
  readonly model: ModelAnalysis;
  readonly values: Map<number, Val>;
  readonly weights: ReadonlyMap<string, WeightArray>;
  readonly logits: boolean;
}

/** One layer's output value, why it cannot be written, or undefined when an input was already refused. */
function emitLayer(w: Walk, info: LayerInfo): Val | Refusal | undefined {
  const node = info.node;
  if (!known(info.shape) || node.inputs.some((i) => !known(w.model.layers[i].shape))) return { refused: 'a dimension other than the batch is unknown' };
  if (node.kind === 'input') {
    const v: Val = { name: node.name, shape: info.shape, cf: false };
    // Images go channels-first once, at the boundary, for every convolution after them.
    return info.shape.length === 3 ? w.g.cf(v) : v;
  }
  const inputs = node.inputs.map((i) => w.values.get(i));
  if (inputs.some((v) => v === undefined)) return undefined;
  const args = w.logits && w.model.graph.outputs.includes(node.id) ? logitArgs(info) : node.args;
  if (args === 'skip') return inputs[0];
  const emitter = emitterOf(node.kind);
  if (!emitter) return { refused: 'ONNX has no translation for this kind' };
  return emitter(layerCtx(w.g, info, args, inputs as Val[], w.weights));
}

/** The ONNX graph of a model with the given weights (Stride's layout); throws ExportRefused naming every layer it cannot write. */
export function onnxGraph(model: ModelAnalysis, weights: ModelWeights, text: string, options: OnnxOptions = {}): GraphDescription {
  const walk: Walk = { g: new GraphBuilder(), model, values: new Map(), weights: new Map(weights.map((x) => [x.name, x])), logits: options.logits === true };
  const refusals: string[] = [];
  const lines = new LineIndex(text);
  const live = liveLayers(model);
  for (const info of model.layers) {
    if (!live.has(info.node.id)) continue;
    walk.g.scope = info.node.name;
    const out = emitLayer(walk, info);
    if (out === undefined) continue;
    if ('refused' in out) {
      const line = lines.position(info.node.span.start).line + 1;
      refusals.push(`layer '${info.node.name}' (${info.node.kind}, line ${line}): ${out.refused}`);
    } else walk.values.set(info.node.id, out);
  }
  if (refusals.length > 0) throw new ExportRefused(`cannot write model '${model.graph.name}' as ONNX:\n  ${refusals.join('\n  ')}`);
  return finish(walk.g, model, walk.values);
}

/** Each layer's own result (not a value it passed through) with its shape in the layout the graph holds it. */
function layerShapes(model: ModelAnalysis, values: ReadonlyMap<number, Val>): Boundary[] {
  const inputs = new Set(model.graph.inputs.map((id) => model.graph.nodes[id].name));
  const seen = new Set<string>();
  const shapes: Boundary[] = [];
  for (const [, v] of values) {
    if (inputs.has(v.name) || seen.has(v.name)) continue;
    seen.add(v.name);
    const shape = v.cf && v.shape.length > 1 ? [v.shape[v.shape.length - 1], ...v.shape.slice(0, -1)] : v.shape;
    shapes.push({ name: v.name, shape: [null, ...shape] });
  }
  return shapes;
}

/** Names the outputs after their layers, channels-last again, with the dynamic batch on every boundary tensor. */
function finish(g: GraphBuilder, model: ModelAnalysis, values: ReadonlyMap<number, Val>): GraphDescription {
  const boundary = (id: number): Boundary => ({ name: model.graph.nodes[id].name, shape: [null, ...(model.layers[id].shape as number[])] });
  for (const id of model.graph.outputs) {
    g.scope = model.graph.nodes[id].name;
    g.named('Identity', [g.cl(values.get(id) as Val).name], model.graph.nodes[id].name);
  }
  return {
    name: model.graph.name,
    doc: model.graph.doc,
    nodes: g.nodes,
    initializers: g.initializers,
    inputs: model.graph.inputs.map(boundary),
    outputs: model.graph.outputs.map(boundary),
    shapes: layerShapes(model, values),
  };
}

/** The ONNX file (opset 17) of a model with the given weights. */
export function exportOnnx(model: ModelAnalysis, weights: ModelWeights, text: string, options: OnnxOptions = {}): Uint8Array {
  return encodeModel(onnxGraph(model, weights, text, options));
}
