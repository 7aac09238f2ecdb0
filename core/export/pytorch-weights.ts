// Stride's weights (Keras/tfjs layouts) as the exported PyTorch module's state_dict: names from the writer's
// modulePath, arrays transposed, gates reordered and buffers added so `load_state_dict(strict=True)` accepts them.

import type { ModelAnalysis } from '../analyze';
import type { GraphNode } from '../model/graph';
import type { Shape } from '../model/values';
import { modulePath } from './pytorch';
import { channelsFirst } from './pytorch-emit';
import type { ModelWeights, WeightArray } from './weights';

/** One entry of a PyTorch state_dict. */
export interface StateTensor {
  readonly key: string;
  readonly shape: readonly number[];
  readonly dtype: 'F32' | 'I64';
  readonly data: Float32Array | BigInt64Array;
}

type Tensor = { readonly shape: readonly number[]; readonly data: Float32Array };
/** A parameter of a layer's module: its name inside the module (`weight`, `0.weight`, `weight_ih_l0`) and value. */
type Param = { readonly name: string; readonly tensor: Tensor | 'batches' };
/** One layer's weights by their name below the tfjs layer (`kernel`, `forward/bias`, `_depthwise/kernel`). */
type Local = ReadonlyMap<string, WeightArray>;
type Converter = (local: Local, node: GraphNode, input: Shape) => Param[];

/** `data` of `shape` with its axes reordered: output axis i is input axis perm[i]. */
export function permute(t: Tensor, perm: readonly number[]): Tensor {
  const shape = perm.map((p) => t.shape[p]);
  const strides = t.shape.map((_, i) => t.shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const step = perm.map((p) => strides[p]);
  const out = new Float32Array(t.data.length);
  const index = shape.map(() => 0);
  for (let o = 0, from = 0; o < out.length; o++) {
    out[o] = t.data[from];
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      index[axis]++;
      from += step[axis];
      if (index[axis] < shape[axis]) break;
      from -= step[axis] * shape[axis];
      index[axis] = 0;
    }
  }
  return { shape, data: out };
}

const reshape = (t: Tensor, shape: readonly number[]): Tensor => ({ shape, data: t.data });
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Keras (k…, in, out) → PyTorch (out, in, k…), keeping `n` spatial axes (tfjs runs some 1-D layers as (k, 1)). */
function convKernel(w: Tensor, n: number): Tensor {
  const m = w.shape.length - 2;
  const t = permute(w, [m + 1, m, ...range(m)]);
  return reshape(t, t.shape.slice(0, 2 + n));
}

/** Keras depthwise (k…, C, multiplier) → PyTorch grouped (C·multiplier, 1, k…): output channel c·multiplier + j in both. */
function depthwiseKernel(w: Tensor, n: number): Tensor {
  const m = w.shape.length - 2;
  const t = permute(w, [m, m + 1, ...range(m)]);
  return reshape(t, [t.shape[0] * t.shape[1], 1, ...t.shape.slice(2, 2 + n)]);
}

/** Blocks of `size` along the last axis, rearranged: block i of the result is block order[i] of `w`. */
function reorderGates(w: Tensor, order: readonly number[]): Tensor {
  const last = w.shape[w.shape.length - 1];
  const size = last / order.length;
  const out = new Float32Array(w.data.length);
  for (let row = 0; row < w.data.length / last; row++) {
    order.forEach((from, i) => out.set(w.data.subarray(row * last + from * size, row * last + (from + 1) * size), row * last + i * size));
  }
  return { shape: w.shape, data: out };
}

const transpose2 = (w: Tensor): Tensor => permute(w, [1, 0]);
const rowOf = (w: Tensor, r: number): Tensor => ({ shape: w.shape.slice(1), data: w.data.slice(r * w.shape[1], (r + 1) * w.shape[1]) });
const zerosLike = (w: Tensor): Tensor => ({ shape: w.shape, data: new Float32Array(w.data.length) });
const spatialRank = (node: GraphNode) => (node.args.kernel as number[]).length;

/** Renames a layer's weights without changing them; missing ones are skipped (bias: false, center: false). */
function renamed(pairs: Record<string, string>): Converter {
  return (local) => Object.entries(pairs).flatMap(([from, to]) => (local.has(from) ? [{ name: to, tensor: local.get(from)! }] : []));
}

function conv(local: Local, node: GraphNode): Param[] {
  const n = spatialRank(node);
  const params: Param[] = [];
  const kernel = local.get('kernel');
  // Plain, transposed and dilated depthwise kernels (tfjs runs those as grouped convolutions) share one layout.
  if (kernel) params.push({ name: 'weight', tensor: convKernel(kernel, n) });
  const dw = local.get('depthwise_kernel');
  if (dw) params.push({ name: 'weight', tensor: depthwiseKernel(dw, n) });
  if (local.has('bias')) params.push({ name: 'bias', tensor: local.get('bias')! });
  return params;
}

/** Separable: `.0` the depthwise half (tfjs's own, or a grouped `_depthwise` layer when dilated), `.1` the pointwise. */
function separable(local: Local, node: GraphNode): Param[] {
  const n = spatialRank(node);
  const dw = local.get('depthwise_kernel');
  const grouped = local.get('_depthwise/kernel');
  const pointwise = local.get('pointwise_kernel') ?? local.get('kernel')!;
  const params: Param[] = [
    { name: '0.weight', tensor: dw ? depthwiseKernel(dw, n) : convKernel(grouped!, n) },
    { name: '1.weight', tensor: convKernel(pointwise, n) },
  ];
  if (local.has('bias')) params.push({ name: '1.bias', tensor: local.get('bias')! });
  return params;
}

const dense: Converter = (local) => {
  const bias = local.get('bias');
  return [{ name: 'weight', tensor: transpose2(local.get('kernel')!) }, ...(bias ? [{ name: 'bias', tensor: bias }] : [])];
};

/** γ → weight, β → bias; where Keras learns only one, the module keeps the other frozen at 1 or 0. */
function scaleOffset(local: Local): Param[] {
  const [gamma, beta] = [local.get('gamma'), local.get('beta')];
  const like = gamma ?? beta;
  if (!like) return [];
  const ones = { shape: like.shape, data: new Float32Array(like.data.length).fill(1) };
  return [
    { name: 'weight', tensor: gamma ?? ones },
    { name: 'bias', tensor: beta ?? zerosLike(like) },
  ];
}

const norm: Converter = (local) => scaleOffset(local);

const batchnorm: Converter = (local, node, input) => [
  ...scaleOffset(local),
  ...renamed({ moving_mean: 'running_mean', moving_variance: 'running_var' })(local, node, input),
  { name: 'num_batches_tracked', tensor: 'batches' },
];

/** _Scale keeps (C, 1, …) to broadcast over channels-first images. */
const scale: Converter = (local, _node, input) => {
  const g = local.get('gamma')!;
  const dims = channelsFirst(input.length) ? input.length : 1;
  return [{ name: 'weight', tensor: reshape(g, [g.shape[0], ...Array(dims - 1).fill(1)]) }];
};

/** Keras keeps a slope per channels-last element; the module holds them in its own layout. */
const prelu: Converter = (local, _node, input) => {
  const alpha = local.get('alpha')!;
  const r = input.length;
  return [{ name: 'weight', tensor: channelsFirst(r) ? permute(alpha, [r - 1, ...range(r - 1)]) : alpha }];
};

const attention: Converter = (local) =>
  (['query', 'key', 'value', 'attention_output'] as const).flatMap((p) => {
    const to = p === 'attention_output' ? 'output' : p;
    const bias = local.get(`${p}/bias`);
    return [{ name: `${to}.weight`, tensor: transpose2(local.get(`${p}/kernel`)!) }, ...(bias ? [{ name: `${to}.bias`, tensor: bias }] : [])];
  });

/** Keras gate order → PyTorch's: LSTM i, f, c, o is i, f, g, o; GRU z, r, h becomes r, z, n. */
const GATES: Record<string, number[]> = { simple_rnn: [0], lstm: [0, 1, 2, 3], gru: [1, 0, 2] };

/** nn.RNN/LSTM/GRU per direction: weight_ih, weight_hh, bias_ih, bias_hh (Keras's single bias goes to bias_ih). */
const recurrent: Converter = (local, node) => {
  const order = GATES[node.kind];
  const dirs = node.args.bidirectional === true ? ['forward', 'backward'] : ['forward'];
  return dirs.flatMap((dir, d) => {
    // Directions sit one level down: `forward_lstm_…/kernel` (tfjs's Bidirectional), `forward/kernel` (Stride's GRU).
    const nested = (w: string) => [...local].find(([k]) => k.startsWith(dir) && k.endsWith(`/${w}`))?.[1];
    const pick = (w: string) => (dirs.length === 1 ? (local.get(w) ?? nested(w)) : nested(w));
    const sfx = d === 1 ? '_reverse' : '';
    const params: Param[] = [
      { name: `weight_ih_l0${sfx}`, tensor: transpose2(reorderGates(pick('kernel')!, order)) },
      { name: `weight_hh_l0${sfx}`, tensor: transpose2(reorderGates(pick('recurrent_kernel')!, order)) },
    ];
    const bias = pick('bias');
    if (!bias) return params;
    const [ih, hh] = bias.shape.length === 2 ? [rowOf(bias, 0), rowOf(bias, 1)] : [bias, zerosLike(bias)];
    return [...params, { name: `bias_ih_l0${sfx}`, tensor: reorderGates(ih, order) }, { name: `bias_hh_l0${sfx}`, tensor: reorderGates(hh, order) }];
  });
};

const CONVERTERS: Record<string, Converter> = {
  dense,
  batchnorm,
  scale,
  prelu,
  layernorm: norm,
  groupnorm: norm,
  embedding: renamed({ embeddings: 'weight' }),
  positional_embedding: renamed({ embeddings: 'weight' }),
  multihead_attention: attention,
  simple_rnn: recurrent,
  lstm: recurrent,
  gru: recurrent,
};
for (const r of [1, 2, 3]) CONVERTERS[`conv${r}d`] = CONVERTERS[`conv${r}d_transpose`] = conv;
for (const r of [1, 2]) {
  CONVERTERS[`depthwise_conv${r}d`] = conv;
  CONVERTERS[`separable_conv${r}d`] = separable;
}

/** Which weights belong to which layer: a weight goes to the layer with the longest tfjs name it starts with. */
function groupByLayer(model: ModelAnalysis, weights: ModelWeights, layerName: (node: GraphNode) => string): Map<number, Map<string, WeightArray>> {
  const nodes = model.layers.map((l) => l.node).sort((a, b) => layerName(b).length - layerName(a).length);
  const groups = new Map<number, Map<string, WeightArray>>();
  for (const w of weights) {
    const node = nodes.find((n) => w.name.startsWith(`${layerName(n)}/`) || w.name.startsWith(`${layerName(n)}_depthwise/`));
    if (!node) throw new Error(`weight '${w.name}' belongs to no layer of model '${model.graph.name}'`);
    const local = w.name.slice(layerName(node).length).replace(/^\//, '');
    if (!groups.has(node.id)) groups.set(node.id, new Map());
    groups.get(node.id)!.set(local, w);
  }
  return groups;
}

/**
 * The state_dict of the module `exportPyTorch(model)` writes, from Stride's weights (`layerName` gives a layer's tfjs
 * name, which prefixes its weights). Keys are `modulePath(model, node)` + the parameter's name, in module order.
 */
export function stateDict(model: ModelAnalysis, weights: ModelWeights, layerName: (node: GraphNode) => string): StateTensor[] {
  const groups = groupByLayer(model, weights, layerName);
  const out: StateTensor[] = [];
  for (const info of model.layers) {
    const local = groups.get(info.node.id);
    if (!local) continue;
    const convert = CONVERTERS[info.node.kind];
    if (!convert) throw new Error(`no PyTorch weight conversion for '${info.node.name}' (${info.node.kind})`);
    const input = info.node.inputs.length > 0 ? (model.layers[info.node.inputs[0]].shape ?? []) : [];
    for (const p of convert(local, info.node, input)) {
      const key = `${modulePath(model, info.node.id)}.${p.name}`;
      if (p.tensor === 'batches') out.push({ key, shape: [], dtype: 'I64', data: new BigInt64Array(1) });
      else out.push({ key, shape: [...p.tensor.shape], dtype: 'F32', data: p.tensor.data });
    }
  }
  return out;
}
