// What every PyTorch emitter shares: the layer context, Python literals, activations, and the table of emitters
// by layer kind, which each topic file fills when it is imported.

import type { LayerInfo } from '../model/infer';
import type { ResolvedArgs } from '../model/registry';
import type { Shape } from '../model/values';

export interface Emitted {
  /** `self.name = …` lines for __init__, if the layer has a module. */
  readonly init?: string;
  /** Expression computing the layer's output from its inputs. */
  readonly expr: string;
}

/** A layer the emitter recognises but cannot translate exactly, and why (shown in the refusal). */
export interface Refusal {
  readonly refused: string;
}

export type Ctx = {
  readonly info: LayerInfo;
  readonly inputs: readonly string[];
  readonly inShapes: readonly Shape[];
  readonly self: string;
  readonly args: ResolvedArgs;
};

/** What most emitters need of a layer's first input: its name, its rank (batch excluded) and its channels. */
export interface In {
  readonly x: string;
  readonly rank: number;
  readonly cin: number;
}

export type Emitter = (ctx: Ctx, input: In) => Emitted | Refusal | undefined;

const EMITTERS: Record<string, Emitter> = {};

/** Adds a topic's emitters to the one table; a kind registered twice is a programming error. */
export function registerEmitters(table: Readonly<Record<string, Emitter>>): void {
  for (const [kind, emitter] of Object.entries(table)) {
    if (Object.hasOwn(EMITTERS, kind)) throw new Error(`PyTorch emitter for '${kind}' registered twice`);
    EMITTERS[kind] = emitter;
  }
}

/** The emitter of a layer kind, if any topic registered one. */
export const emitterOf = (kind: string): Emitter | undefined => (Object.hasOwn(EMITTERS, kind) ? EMITTERS[kind] : undefined);

/** The channel axis of channels-last tensors reads best as PyTorch's own `dim=-1`. */
function softmaxDim(axis: number, rank: number): number {
  const dim = torchDim(axis, rank);
  return !channelsFirst(rank) && dim === rank ? -1 : dim;
}

/** Python definitions (functions, small modules) that emitted code may call, by name, in registration order. */
const HELPERS: { readonly name: string; readonly code: string }[] = [];

/** Adds a helper a topic's code calls; the module file carries it only when some layer uses it. */
export function registerHelper(name: string, code: string): void {
  if (HELPERS.some((h) => h.name === name)) throw new Error(`PyTorch helper '${name}' registered twice`);
  HELPERS.push({ name, code });
}

/** The helpers `code` calls, as text for the module file's prelude (two blank lines before each, as PEP 8 asks). */
export function helpersFor(code: string): string {
  return HELPERS.filter((h) => new RegExp(`\\b${h.name}\\(`).test(code))
    .map((h) => `\n\n${h.code}\n`)
    .join('');
}

export const ACT: Record<string, (x: string, args: ResolvedArgs, rank: number) => string> = {
  linear: (x) => x,
  relu: (x) => `F.relu(${x})`,
  relu6: (x) => `F.relu6(${x})`,
  sigmoid: (x) => `torch.sigmoid(${x})`,
  hard_sigmoid: (x) => `F.hardsigmoid(${x})`,
  hard_swish: (x) => `F.hardswish(${x})`,
  tanh: (x) => `torch.tanh(${x})`,
  softmax: (x, a, rank) => `F.softmax(${x}, dim=${softmaxDim((a.axis as number | undefined) ?? -1, rank)})`,
  softplus: (x) => `F.softplus(${x})`,
  softsign: (x) => `F.softsign(${x})`,
  elu: (x, a) => `F.elu(${x}, alpha=${py(a.alpha ?? 1)})`,
  selu: (x) => `F.selu(${x})`,
  gelu: (x) => `F.gelu(${x})`,
  swish: (x) => `F.silu(${x})`,
  silu: (x) => `F.silu(${x})`,
  mish: (x) => `F.mish(${x})`,
  leaky_relu: (x, a) => `F.leaky_relu(${x}, negative_slope=${py(a.alpha ?? 0.3)})`,
  hard_tanh: (x) => `F.hardtanh(${x})`,
  thresholded_relu: (x, a) => `F.threshold(${x}, ${py(a.theta ?? 1)}, 0.0)`,
};

export function py(v: unknown): string {
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (Array.isArray(v)) return `(${v.map(py).join(', ')}${v.length === 1 ? ',' : ''})`;
  if (typeof v === 'string') return JSON.stringify(v);
  return String(v);
}

export const nums = (v: unknown) => v as number[];

export function withActivation(expr: string, ctx: Ctx): string {
  const act = ctx.args.activation as string | undefined;
  return act && act !== 'linear' ? ACT[act](expr, ctx.args, ctx.info.shape?.length ?? 0) : expr;
}

/**
 * The exporter's one layout rule: images (rank 3) and volumes (rank 4) are channels-first as PyTorch's convolutions
 * want them (NCHW, NCDHW); sequences and vectors keep Keras's order ((N, L, C) is what nn.LSTM(batch_first=True),
 * nn.Linear and attention take).
 */
export const channelsFirst = (rank: number): boolean => rank === 3 || rank === 4;

/** Keras axis (batch = 0, channels last) → PyTorch dim for a tensor of the given rank (batch excluded). */
export function torchDim(axis: number, rank: number): number {
  const a = axis < 0 ? rank + 1 + axis : axis;
  if (!channelsFirst(rank)) return a;
  return a === rank ? 1 : a + 1;
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/** A PyTorch tensor of the exporter's layout seen channels-last, as Keras computes (a no-op for sequences). */
export function toLast(x: string, rank: number): string {
  return channelsFirst(rank) ? `${x}.permute(0, ${[...range(2, rank + 1), 1].join(', ')})` : x;
}

/** A channels-last tensor back in the exporter's layout. */
export function toFirst(x: string, rank: number): string {
  return channelsFirst(rank) ? `${x}.permute(0, ${[rank, ...range(1, rank)].join(', ')})` : x;
}

/** A sequence (N, L, C) as PyTorch's 1-D layers want it, (N, C, L), and back: the same transpose. */
export const swapLC = (x: string): string => `${x}.transpose(1, 2)`;

/** The order of channels-last axes (batch = 0) as PyTorch holds a tensor of the given rank: torch dim j holds axis order[j]. */
function torchOrder(rank: number): number[] {
  return channelsFirst(rank) ? [0, rank, ...range(1, rank)] : range(0, rank + 1);
}

/** Keras Permute's `dims` (counted from 1, batch excluded) as one `permute` of the exporter's tensors. */
export function toTorchPermutation(dims: readonly number[], rank: number, outRank: number): number[] {
  const keras = [0, ...dims];
  const inOrder = torchOrder(rank);
  return torchOrder(outRank).map((axis) => inOrder.indexOf(keras[axis]));
}

/**
 * A normalisation's affine flag and the lines that freeze half of it: PyTorch learns a scale and an offset together
 * or neither, Keras each on its own (`center`, `scale`). The half Keras lacks stays at 1 or 0, out of training.
 */
export function affine(self: string, args: ResolvedArgs): { flag: string; freeze: string } {
  const [center, scale] = [args.center !== false, args.scale !== false];
  const frozen = center && !scale ? 'weight' : scale && !center ? 'bias' : undefined;
  return { flag: py(center || scale), freeze: frozen ? `\n${self}.${frozen}.requires_grad_(False)` : '' };
}
