// Pooling layers: max/average over windows and global pooling.

import type { InferContext, Inferred, LayerDef, Problem } from '../registry';
import { asNums, checkPositive, convOutputLength, padStart, type Padding } from '../shape-math';
import { paddingArg } from './common';

function inferPool(ctx: InferContext): Inferred | { problem: Problem } {
  const input = ctx.inputs[0];
  const pool = asNums(ctx.args.pool);
  // Keras: strides default to the pool size.
  const stride = ctx.args.stride === null ? pool : asNums(ctx.args.stride);
  const padding = ctx.args.padding as Padding;
  const spatial = input.slice(0, -1);
  const out = spatial.map((d, i) => convOutputLength(d, pool[i], padding, stride[i]));
  const problem = checkPositive(out, spatial, pool, padding);
  if (problem) return { problem: { ...problem, arg: 'pool' } };
  return {
    shape: [...out, input[input.length - 1]],
    rf: { kind: 'window', kernel: pool, stride, dilation: pool.map(() => 1), padStart: spatial.map((d, i) => padStart(d, pool[i], padding, stride[i])) },
  };
}

function inferGlobal(ctx: InferContext): Inferred {
  const input = ctx.inputs[0];
  const c = input[input.length - 1];
  return { shape: ctx.args.keepdims === true ? [...input.slice(0, -1).map(() => 1), c] : [c], rf: { kind: 'global' } };
}

const poolArgs = [
  { name: 'pool', type: { type: 'ints', min: 1 }, default: 2, doc: 'Window size.' },
  { name: 'stride', type: { type: 'ints', min: 1 }, default: null, doc: 'Step between windows; defaults to the window size.' },
  paddingArg,
] as const;

const globalArgs = [{ name: 'keepdims', type: { type: 'bool' }, default: false, doc: 'Keep the spatial axes as size 1.', namedOnly: true }] as const;

export const poolLayers: LayerDef[] = [
  {
    kind: 'maxpool2d',
    aliases: ['max_pool2d', 'maxpooling2d'],
    category: 'pooling',
    summary: 'Maximum over each window.',
    args: poolArgs,
    arity: 1,
    inputRank: 3,
    spatialRank: 2,
    infer: inferPool,
  },
  {
    kind: 'avgpool2d',
    aliases: ['avg_pool2d', 'averagepooling2d'],
    category: 'pooling',
    summary: 'Average over each window (padding excluded from the average).',
    args: poolArgs,
    arity: 1,
    inputRank: 3,
    spatialRank: 2,
    infer: inferPool,
  },
  {
    kind: 'globalavgpool2d',
    aliases: ['global_avg_pool2d', 'globalaveragepooling2d'],
    category: 'pooling',
    summary: 'Average over all spatial positions: one value per channel.',
    args: globalArgs,
    arity: 1,
    inputRank: 3,
    infer: inferGlobal,
  },
  {
    kind: 'globalmaxpool2d',
    aliases: ['global_max_pool2d', 'globalmaxpooling2d'],
    category: 'pooling',
    summary: 'Maximum over all spatial positions: one value per channel.',
    args: globalArgs,
    arity: 1,
    inputRank: 3,
    infer: inferGlobal,
  },
];
