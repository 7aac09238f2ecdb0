// Pooling of rank 1–3: max, average and Lp windows (with PyTorch's ceil mode), and global pooling.

import type { ArgSpec, InferContext, Inferred, LayerDef, Problem } from '../registry';
import { checkPositive, convOutputLength } from '../shape-math';
import { paddingArg } from './common';
import { rfOf, windowOf, type Window } from './window';

/** PyTorch `ceil_mode`: a last partial window counts, unless it would start beyond the input. */
function ceilLength(input: number | null, kernel: number, stride: number): number | null {
  if (input === null) return null;
  const out = Math.ceil((input - kernel) / stride) + 1;
  return (out - 1) * stride >= input ? out - 1 : out;
}

function poolLengths(spatial: readonly (number | null)[], w: Window, ceil: boolean): (number | null)[] {
  return spatial.map((d, i) => (ceil ? ceilLength(d, w.kernel[i], w.stride[i]) : convOutputLength(d, w.kernel[i], w.padding, w.stride[i])));
}

function inferPool(ctx: InferContext): Inferred | { problem: Problem } {
  const input = ctx.inputs[0];
  const w = windowOf(ctx, 'pool');
  const ceil = ctx.args.ceil_mode === true;
  if (ceil && w.padding !== 'valid') {
    return {
      problem: {
        code: 'invalid-argument',
        arg: 'ceil_mode',
        message: 'ceil_mode: true applies to padding: valid; padding: same already keeps partial windows.',
      },
    };
  }
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
  doc: 'PyTorch `ceil_mode`: round the output length up, keeping a last partial window (padding: valid only).',
};
const pArg: ArgSpec = { name: 'p', type: { type: 'float', min: 1 }, default: 2, namedOnly: true, doc: 'The norm: (Σ xᵖ)^(1/p) over each window.' };
const globalArgs: ArgSpec[] = [{ name: 'keepdims', type: { type: 'bool' }, default: false, doc: 'Keep the spatial axes as size 1.', namedOnly: true }];

const WHAT: Record<string, string> = {
  max: 'Maximum over each window.',
  avg: 'Average over each window (padding excluded from the average).',
  lp: 'Lp norm over each window, (Σ xᵖ)^(1/p), as PyTorch LPPool (no padding).',
};
const LONG: Record<string, string> = { max: 'max', avg: 'average' };

function poolDef(op: 'max' | 'avg' | 'lp', rank: number): LayerDef {
  const args = op === 'lp' ? [poolArg, strideArg, pArg, ceilArg] : [poolArg, strideArg, paddingArg, ceilArg];
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
