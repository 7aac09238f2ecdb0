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

export type Emitter = (ctx: Ctx, input: In) => Emitted | undefined;

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

export const ACT: Record<string, (x: string, args: ResolvedArgs, rank: number) => string> = {
  linear: (x) => x,
  relu: (x) => `F.relu(${x})`,
  relu6: (x) => `F.relu6(${x})`,
  sigmoid: (x) => `torch.sigmoid(${x})`,
  hard_sigmoid: (x) => `F.hardsigmoid(${x})`,
  hard_swish: (x) => `F.hardswish(${x})`,
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

export /** Keras axis (batch = 0, channels last) → PyTorch dim for a tensor of the given rank (batch excluded). */
function torchDim(axis: number, rank: number): number {
  const a = axis < 0 ? rank + 1 + axis : axis;
  if (rank !== 3) return a;
  return a === 3 ? 1 : a + 1;
}
