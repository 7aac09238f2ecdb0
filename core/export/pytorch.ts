// PyTorch code generation: an nn.Module (NCHW) equivalent to a Stride model, including TensorFlow `same` padding.

import type { ModelAnalysis } from '../analyze';
import type { LayerInfo } from '../model/infer';
import type { ResolvedArgs } from '../model/registry';
import { convOutputLength, deconvLength, effectiveKernel } from '../model/shape-math';
import type { Shape } from '../model/values';
import { SPLIT_EMITTERS } from './pytorch-split';

export interface ExportResult {
  readonly code: string;
  /** Layer kinds (with names) that have no PyTorch translation; the export is unusable when non-empty. */
  readonly unsupported: readonly string[];
}

interface Emitted {
  /** `self.name = …` lines for __init__, if the layer has a module. */
  readonly init?: string;
  /** Expression computing the layer's output from its inputs. */
  readonly expr: string;
}

type Ctx = {
  readonly info: LayerInfo;
  readonly inputs: readonly string[];
  readonly inShapes: readonly Shape[];
  readonly self: string;
  readonly args: ResolvedArgs;
};

const ACT: Record<string, (x: string, args: ResolvedArgs, rank: number) => string> = {
  linear: (x) => x,
  relu: (x) => `F.relu(${x})`,
  relu6: (x) => `F.relu6(${x})`,
  sigmoid: (x) => `torch.sigmoid(${x})`,
  hard_sigmoid: (x) => `F.hardsigmoid(${x})`,
  tanh: (x) => `torch.tanh(${x})`,
  softmax: (x, _a, rank) => `F.softmax(${x}, dim=${rank === 3 ? 1 : -1})`,
  softplus: (x) => `F.softplus(${x})`,
  softsign: (x) => `F.softsign(${x})`,
  elu: (x, a) => `F.elu(${x}, alpha=${py(a.alpha ?? 1)})`,
  selu: (x) => `F.selu(${x})`,
  gelu: (x) => `F.gelu(${x})`,
  swish: (x) => `F.silu(${x})`,
  silu: (x) => `F.silu(${x})`,
  mish: (x) => `F.mish(${x})`,
  leaky_relu: (x, a) => `F.leaky_relu(${x}, negative_slope=${py(a.alpha ?? 0.3)})`,
};

function py(v: unknown): string {
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (Array.isArray(v)) return `(${v.map(py).join(', ')}${v.length === 1 ? ',' : ''})`;
  if (typeof v === 'string') return JSON.stringify(v);
  return String(v);
}

const RESERVED = new Set([
  'F',
  'nn',
  'torch',
  'self',
  'and',
  'as',
  'assert',
  'class',
  'def',
  'del',
  'elif',
  'else',
  'except',
  'for',
  'from',
  'global',
  'if',
  'import',
  'is',
  'lambda',
  'not',
  'or',
  'pass',
  'raise',
  'return',
  'try',
  'while',
  'with',
  'yield',
  'None',
  'True',
  'False',
]);

/** A Python identifier for a node name: `basic_1/conv2d_2` → `basic_1__conv2d_2`; keywords get a trailing `_`. */
export function pyName(name: string): string {
  const id = name.replace(/[^A-Za-z0-9_]/g, '__').replace(/^(\d)/, '_$1');
  return RESERVED.has(id) ? `${id}_` : id;
}
const nums = (v: unknown) => v as number[];

/** TensorFlow's padding split (before, after) per spatial axis for a window layer. */
function tfPads(shape: Shape, kernel: number[], stride: number[], dilation: number[], padding: unknown): [number, number][] {
  return kernel.map((k, i) => {
    const input = shape[i] ?? 0;
    if (padding !== 'same') return [0, 0];
    const out = convOutputLength(input, k, 'same', stride[i], dilation[i]) ?? 0;
    const total = Math.max((out - 1) * stride[i] + effectiveKernel(k, dilation[i]) - input, 0);
    return [Math.floor(total / 2), total - Math.floor(total / 2)];
  });
}

/** F.pad order is (left, right, top, bottom). */
const padTuple = (p: [number, number][]) => `(${p[1][0]}, ${p[1][1]}, ${p[0][0]}, ${p[0][1]})`;
const symmetric = (p: [number, number][]) => p.every(([a, b]) => a === b);

function withActivation(expr: string, ctx: Ctx): string {
  const act = ctx.args.activation as string | undefined;
  return act && act !== 'linear' ? ACT[act](expr, ctx.args, ctx.info.shape?.length ?? 0) : expr;
}

function conv(ctx: Ctx, cin: number, cout: number, groups: number): Emitted {
  const [k, s, d] = [nums(ctx.args.kernel), nums(ctx.args.stride), nums(ctx.args.dilation)];
  const pads = tfPads(ctx.inShapes[0], k, s, d, ctx.args.padding);
  const even = symmetric(pads);
  const init = `nn.Conv2d(${cin}, ${cout}, kernel_size=${py(k)}, stride=${py(s)}, padding=${py(even ? pads.map((p) => p[0]) : [0, 0])}, dilation=${py(d)}, groups=${groups}, bias=${py(ctx.args.bias)})`;
  const x = even ? ctx.inputs[0] : `F.pad(${ctx.inputs[0]}, ${padTuple(pads)})`;
  return { init: `${ctx.self} = ${init}`, expr: withActivation(`${ctx.self}(${x})`, ctx) };
}

function pool(ctx: Ctx, kind: 'max' | 'avg'): Emitted {
  const k = nums(ctx.args.pool);
  const s = ctx.args.stride === null ? k : nums(ctx.args.stride);
  const pads = tfPads(ctx.inShapes[0], k, s, [1, 1], ctx.args.padding);
  const x = ctx.inputs[0];
  if (pads.every(([a, b]) => a === 0 && b === 0)) return { expr: `F.${kind}_pool2d(${x}, ${py(k)}, ${py(s)})` };
  if (kind === 'max') return { expr: `F.max_pool2d(F.pad(${x}, ${padTuple(pads)}, value=float("-inf")), ${py(k)}, ${py(s)})` };
  // TensorFlow averages over the valid pixels only: divide by the pooled count of ones.
  return { expr: `_avg_pool_same(${x}, ${py(k)}, ${py(s)}, ${padTuple(pads)})` };
}

function transpose(ctx: Ctx, cin: number): Emitted {
  const [k, s, d] = [nums(ctx.args.kernel), nums(ctx.args.stride), nums(ctx.args.dilation)];
  const want = ctx.inShapes[0].slice(0, 2).map((n, i) => deconvLength(n, k[i], ctx.args.padding as 'same' | 'valid', s[i], d[i]) ?? 0);
  // PyTorch: out = (in − 1)·s − 2p + d(k − 1) + output_padding + 1; choose p ≥ 0 and 0 ≤ output_padding < s.
  const pads = k.map((_, i) => {
    const base = ((ctx.inShapes[0][i] ?? 0) - 1) * s[i] + d[i] * (k[i] - 1) + 1;
    const excess = base - want[i];
    const p = Math.max(0, Math.ceil(excess / 2));
    return [p, want[i] - (base - 2 * p)];
  });
  const init = `nn.ConvTranspose2d(${cin}, ${ctx.args.filters}, kernel_size=${py(k)}, stride=${py(s)}, padding=${py(pads.map((p) => p[0]))}, output_padding=${py(pads.map((p) => p[1]))}, dilation=${py(d)}, bias=${py(ctx.args.bias)})`;
  return { init: `${ctx.self} = ${init}`, expr: withActivation(`${ctx.self}(${ctx.inputs[0]})`, ctx) };
}

/** `n`, `(h, w)` or `(top, bottom, left, right)` → [top, bottom, left, right]. */
function fourSides(p: number[]): number[] {
  return p.length === 1 ? [p[0], p[0], p[0], p[0]] : p.length === 2 ? [p[0], p[0], p[1], p[1]] : p;
}

/** Keras axis (batch = 0, channels last) → PyTorch dim for a tensor of the given rank (batch excluded). */
function torchDim(axis: number, rank: number): number {
  const a = axis < 0 ? rank + 1 + axis : axis;
  if (rank !== 3) return a;
  return a === 3 ? 1 : a + 1;
}

/** What most emitters need of a layer's first input: its name, its rank (batch excluded) and its channels. */
interface In {
  readonly x: string;
  readonly rank: number;
  readonly cin: number;
}

type Emitter = (ctx: Ctx, input: In) => Emitted | undefined;

/** Convolutions, pooling and normalisation: the layers with NCHW modules. */
const SPATIAL: Record<string, Emitter> = {
  conv2d: (ctx, { cin }) => conv(ctx, cin, ctx.args.filters as number, ctx.args.groups as number),
  depthwise_conv2d: (ctx, { cin }) => conv(ctx, cin, cin * (ctx.args.depth_multiplier as number), cin),
  separable_conv2d: (ctx, { cin }) => {
    const { args, self } = ctx;
    const mid = cin * (args.depth_multiplier as number);
    const dw = conv({ ...ctx, self: `${self}_depthwise`, args: { ...args, bias: false, activation: 'linear' } }, cin, mid, cin);
    const pwInit = `${self}_pointwise = nn.Conv2d(${mid}, ${args.filters}, kernel_size=1, bias=${py(args.bias)})`;
    return { init: `${dw.init}\n${pwInit}`, expr: withActivation(`${self}_pointwise(${dw.expr})`, ctx) };
  },
  conv2d_transpose: (ctx, { cin }) => transpose(ctx, cin),
  maxpool2d: (ctx) => pool(ctx, 'max'),
  avgpool2d: (ctx) => pool(ctx, 'avg'),
  globalavgpool2d: ({ args }, { x }) => ({ expr: `${x}.mean(dim=(2, 3)${args.keepdims ? ', keepdim=True' : ''})` }),
  globalmaxpool2d: ({ args }, { x }) => ({ expr: `${x}.amax(dim=(2, 3)${args.keepdims ? ', keepdim=True' : ''})` }),
  batchnorm: ({ args, self }, { x, rank, cin }) => {
    if (args.center !== args.scale) return undefined;
    const cls = rank === 3 ? 'BatchNorm2d' : 'BatchNorm1d';
    return {
      init: `${self} = nn.${cls}(${cin}, eps=${py(args.epsilon)}, momentum=${py(Number((1 - (args.momentum as number)).toFixed(6)))}, affine=${py(args.scale)})`,
      expr: `${self}(${x})`,
    };
  },
};

/** Layers that move, pad, crop or resize elements. */
const LAYOUT: Record<string, Emitter> = {
  // Keras flattens channels-last; permuting first keeps the element order (and imported weights) identical.
  flatten: (_, { x, rank }) => ({ expr: rank === 3 ? `${x}.permute(0, 2, 3, 1).flatten(1)` : `${x}.flatten(1)` }),
  reshape: (ctx, { x, rank }) => {
    const out = ctx.info.shape as number[];
    const src = rank === 3 ? `${x}.permute(0, 2, 3, 1)` : x;
    const reshaped = `${src}.reshape(-1, ${out.join(', ')})`;
    return { expr: out.length === 3 ? `${reshaped}.permute(0, 3, 1, 2)` : reshaped };
  },
  zeropad2d: ({ args }, { x }) => {
    const [t, b, l, r] = fourSides(nums(args.padding));
    return { expr: `F.pad(${x}, (${l}, ${r}, ${t}, ${b}))` };
  },
  cropping2d: ({ args, inShapes }, { x }) => {
    const [t, b, l, r] = fourSides(nums(args.cropping));
    const [h, w] = [inShapes[0][0] as number, inShapes[0][1] as number];
    return { expr: `${x}[:, :, ${t}:${h - b}, ${l}:${w - r}]` };
  },
  upsample2d: ({ args }, { x }) => {
    const mode = args.interpolation === 'bilinear' ? ', mode="bilinear", align_corners=False' : '';
    return { expr: `F.interpolate(${x}, scale_factor=${py(nums(args.size).map((n) => n * 1.0))}${mode})` };
  },
};

/** Dense layers, activations, dropout and merges. */
const ELEMENTWISE: Record<string, Emitter> = {
  dropout: ({ args, self }, { x }) => ({ init: `${self} = nn.Dropout(${py(args.rate)})`, expr: `${self}(${x})` }),
  dense: (ctx, { x, rank, cin }) => {
    const init = `${ctx.self} = nn.Linear(${cin}, ${ctx.args.units}, bias=${py(ctx.args.bias)})`;
    const applied = rank === 3 ? `${ctx.self}(${x}.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)` : `${ctx.self}(${x})`;
    return { init, expr: withActivation(applied, ctx) };
  },
  activation: ({ args }, { x, rank }) => ({ expr: ACT[args.fn as string](x, args, rank) }),
  add: ({ inputs }) => ({ expr: inputs.join(' + ') }),
  concat: ({ args, inputs }, { rank }) => ({ expr: `torch.cat([${inputs.join(', ')}], dim=${torchDim(args.axis as number, rank)})` }),
};

const EMITTERS: Readonly<Record<string, Emitter>> = { ...SPATIAL, ...LAYOUT, ...ELEMENTWISE, ...SPLIT_EMITTERS };

/** The PyTorch module and forward expression of one layer, or undefined when it has no translation. */
function emit(ctx: Ctx): Emitted | undefined {
  const rank = ctx.inShapes[0]?.length ?? 0;
  const input: In = { x: ctx.inputs[0], rank, cin: (ctx.inShapes[0]?.[rank - 1] ?? 0) as number };
  const emitter = Object.hasOwn(EMITTERS, ctx.info.node.kind) ? EMITTERS[ctx.info.node.kind] : undefined;
  if (emitter) return emitter(ctx, input);
  // Activation layers (relu(), softmax(), …) translate through the activation table.
  const def = ctx.info.node.def;
  if (def?.activationFn && ACT[def.activationFn]) return { expr: ACT[def.activationFn](input.x, ctx.args, rank) };
  return undefined;
}

const PRELUDE = `import torch
import torch.nn as nn
import torch.nn.functional as F


def _avg_pool_same(x, kernel, stride, pad):
    """Average pooling with TensorFlow's 'same' padding: padded zeros are not counted."""
    ones = torch.ones_like(x[:, :1])
    return F.avg_pool2d(F.pad(x, pad), kernel, stride) / F.avg_pool2d(F.pad(ones, pad), kernel, stride)
`;

/** Generates a PyTorch module for one analysed model. Inputs are NCHW for images, as PyTorch expects. */
export function exportPyTorch(model: ModelAnalysis): ExportResult {
  const names = model.layers.map((l) => pyName(l.node.name));
  const body = moduleBody(model, names);
  const inputs = model.graph.inputs.map((i) => names[i]);
  const outputs = model.graph.outputs.map((i) => names[i]);
  const lines = [
    PRELUDE,
    '',
    `class ${pyName(model.graph.name)}(nn.Module):`,
    `    """${(model.graph.doc ?? `The ${model.graph.name} model.`).replace(/"""/g, "'''")}"""`,
    '',
    '    def __init__(self):',
    '        super().__init__()',
    ...(body.init.length ? body.init.map((l) => `        ${l}`) : ['        pass']),
    '',
    `    def forward(self, ${inputs.join(', ')}):`,
    ...body.forward.map((l) => `        ${l}`),
    `        return ${outputs.length === 1 ? outputs[0] : `(${outputs.join(', ')})`}`,
    '',
    '',
    `INPUT_SHAPES = ${py(model.graph.inputs.map((i) => toTorchShape(model.layers[i].shape ?? [])))}`,
    '',
  ];
  return { code: lines.join('\n'), unsupported: body.unsupported };
}

/** The `__init__` and `forward` lines of every layer, and the layers that have no translation. */
function moduleBody(model: ModelAnalysis, names: readonly string[]): { init: string[]; forward: string[]; unsupported: string[] } {
  const init: string[] = [];
  const forward: string[] = [];
  const unsupported: string[] = [];
  for (const info of model.layers) {
    const name = names[info.node.id];
    if (info.node.kind === 'input') continue;
    const ctx: Ctx = {
      info,
      inputs: info.node.inputs.map((i) => names[i]),
      inShapes: info.node.inputs.map((i) => model.layers[i].shape ?? []),
      self: `self.${name}`,
      args: info.node.args,
    };
    const out = info.shape && ctx.inShapes.every((s) => s.every((d) => d !== null)) ? emit(ctx) : undefined;
    if (!out) {
      unsupported.push(`${info.node.name} (${info.node.kind})`);
      continue;
    }
    if (out.init) init.push(...out.init.split('\n'));
    forward.push(`${name} = ${out.expr}  # ${shapeComment(info.shape)}`);
  }
  return { init, forward, unsupported };
}

/** Channels-last (H, W, C) → PyTorch (C, H, W); other ranks unchanged. */
export function toTorchShape(shape: Shape): (number | null)[] {
  return shape.length === 3 ? [shape[2], shape[0], shape[1]] : [...shape];
}

function shapeComment(shape: Shape | null): string {
  return shape ? `(N, ${toTorchShape(shape).join(', ')})` : '?';
}
