// Pooling of rank 1–3: max, average and Lp windows (with PyTorch's ceil mode), and global pooling.

import type { ArgSpec, InferContext, Inferred, LayerDef, Problem } from '../registry';
import { axisPadding, checkPositive, convOutputLength, explicitPads } from '../shape-math';
import { paddingArg } from './common';
import { rfOf, windowOf, type Window } from './window';

/**
 * PyTorch `ceil_mode`: a last partial window counts, unless it would start beyond the input and its leading
 * padding (the trailing padding alone never starts a window).
 */
export function ceilLength(input: number | null, kernel: number, stride: number, pads: readonly [number, number] = [0, 0]): number | null {
  if (input === null) return null;
  const out = Math.ceil((input + pads[0] + pads[1] - kernel) / stride) + 1;
  return (out - 1) * stride >= input + pads[0] ? out - 1 : out;
}

function poolLengths(spatial: readonly (number | null)[], w: Window, ceil: boolean): (number | null)[] {
  return spatial.map((d, i) => {
    const p = axisPadding(w.padding, i);
    return ceil ? ceilLength(d, w.kernel[i], w.stride[i], explicitPads(p)) : convOutputLength(d, w.kernel[i], p, w.stride[i]);
  });
}

/** PyTorch refuses pooling padding above half the window: such windows could lie wholly in the padding. */
function poolPaddingProblem(w: Window, ceil: boolean): Problem | undefined {
  if (w.padding === 'same' && ceil)
    return {
      code: 'invalid-argument',
      arg: 'ceil_mode',
      message: 'ceil_mode: true applies to valid or numeric padding; padding: same already keeps partial windows.',
    };
  if (typeof w.padding === 'string') return undefined;
  const pads = w.padding;
  // PyTorch pads both sides of an axis alike; where a partial window may start is defined for that case only.
  if (ceil && pads.some((p, j) => j % 2 === 0 && p !== pads[j + 1]))
    return { code: 'invalid-argument', arg: 'ceil_mode', message: 'ceil_mode: true needs the same padding on both sides of each axis, as PyTorch pads.' };
  const bad = pads.findIndex((p, j) => p > w.kernel[j >> 1] / 2);
  if (bad < 0) return undefined;
  const k = w.kernel[bad >> 1];
  return {
    code: 'out-of-range',
    arg: 'padding',
    message: `Pooling padding (${pads[bad]}) must be at most half the window (${k}), as PyTorch requires: a window could otherwise see only padding.`,
    fixes: [{ kind: 'set-arg', title: `Use padding: ${Math.floor(k / 2)}`, arg: 'padding', value: String(Math.floor(k / 2)) }],
  };
}

function inferPool(ctx: InferContext): Inferred | { problem: Problem } {
  const input = ctx.inputs[0];
  const w = windowOf(ctx, 'pool');
  const ceil = ctx.args.ceil_mode === true;
  const padProblem = poolPaddingProblem(w, ceil);
  if (padProblem) return { problem: padProblem };
  const spatial = input.slice(0, -1);
  const out = poolLengths(spatial, w, ceil);
  const problem = checkPositive(out, spatial, w.kernel, w.padding);
  if (problem) return { problem: { ...problem, arg: 'pool' } };
  const c = input[input.length - 1];
  return {
    shape: [...out, c],
    rf: rfOf(spatial, w),
  };
}

/** Pooling has no multiply-accumulates; like Keras and torchinfo, Stride counts MACs of weighted layers only. */
function inferGlobal(ctx: InferContext): Inferred {
  const input = ctx.inputs[0];
  const c = input[input.length - 1];
  return {
    shape: ctx.args.keepdims === true ? [...input.slice(0, -1).map(() => 1), c] : [c],
    rf: { kind: 'global' },
  };
}

const poolArg: ArgSpec = { name: 'pool', type: { type: 'ints', min: 1 }, default: 2, doc: 'Window size.' };
const strideArg: ArgSpec = { name: 'stride', type: { type: 'ints', min: 1 }, default: null, doc: 'Step between windows; defaults to the window size.' };
const ceilArg: ArgSpec = {
  name: 'ceil_mode',
  type: { type: 'bool' },
  default: false,
  namedOnly: true,
  doc: 'PyTorch `ceil_mode`: round the output length up, keeping a last partial window (valid or numeric padding).',
};
const countPadArg: ArgSpec = {
  name: 'count_include_pad',
  type: { type: 'bool' },
  default: null,
  namedOnly: true,
  doc: 'Count padded zeros in the average; `auto`: yes with numeric padding (PyTorch), no with `same` (TensorFlow).',
};
const pArg: ArgSpec = { name: 'p', type: { type: 'float', min: 1 }, default: 2, namedOnly: true, doc: 'The norm: (Σ xᵖ)^(1/p) over each window.' };
const globalArgs: ArgSpec[] = [{ name: 'keepdims', type: { type: 'bool' }, default: false, doc: 'Keep the spatial axes as size 1.', namedOnly: true }];

const WHAT: Record<string, string> = {
  max: 'Maximum over each window.',
  avg: 'Average over each window (padded zeros counted as `count_include_pad` says).',
  lp: 'Lp norm over each window, (Σ xᵖ)^(1/p), as PyTorch LPPool (padded zeros add nothing).',
};
const LONG: Record<string, string> = { max: 'max', avg: 'average' };

function poolDef(op: 'max' | 'avg' | 'lp', rank: number): LayerDef {
  const args = [poolArg, strideArg, paddingArg, ...(op === 'lp' ? [pArg] : []), ceilArg, ...(op === 'avg' ? [countPadArg] : [])];
  const long = LONG[op];
  return {
    kind: `${op}pool${rank}d`,
    aliases: long ? [`${op}_pool${rank}d`, `${long}pooling${rank}d`] : [`${op}_pool${rank}d`],
    category: 'pooling',
    summary: WHAT[op],
    args,
    arity: 1,
    inputRank: rank + 1,
    spatialRank: rank,
    infer: inferPool,
  };
}

function globalDef(op: 'max' | 'avg', rank: number): LayerDef {
  return {
    kind: `global${op}pool${rank}d`,
    aliases: [`global_${op}_pool${rank}d`, `global${LONG[op]}pooling${rank}d`],
    category: 'pooling',
    summary: `${op === 'max' ? 'Maximum' : 'Average'} over all ${rank === 1 ? 'positions' : 'spatial positions'}: one value per channel.`,
    args: globalArgs,
    arity: 1,
    inputRank: rank + 1,
    infer: inferGlobal,
  };
}

const RANKS = [1, 2, 3];
export const poolLayers: LayerDef[] = [
  ...RANKS.flatMap((r) => [poolDef('max', r), poolDef('avg', r)]),
  ...RANKS.map((r) => poolDef('lp', r)),
  ...RANKS.flatMap((r) => [globalDef('avg', r), globalDef('max', r)]),
];
