// Sliding-window helpers shared by convolutions and pooling of any rank: output lengths, validity, receptive field.

import type { InferContext, Problem, RfOp } from '../registry';
import { asNums, axisPadding, checkPositive, convOutputLength, padStart, type WindowPadding } from '../shape-math';

export interface Window {
  readonly kernel: readonly number[];
  readonly stride: readonly number[];
  readonly dilation: readonly number[];
  readonly padding: WindowPadding;
}

export type Dims = readonly (number | null)[];

/** Reads kernel/stride/dilation/padding; `kernelArg` names the window argument (`kernel` or `pool`). */
export function windowOf(ctx: InferContext, kernelArg = 'kernel'): Window {
  const kernel = asNums(ctx.args[kernelArg]);
  const stride = ctx.args.stride === null || ctx.args.stride === undefined ? kernel : asNums(ctx.args.stride);
  return {
    kernel,
    stride,
    dilation: ctx.args.dilation === undefined ? kernel.map(() => 1) : asNums(ctx.args.dilation),
    padding: (ctx.args.padding ?? 'valid') as WindowPadding,
  };
}

/** Output spatial dims of a sliding window, or a problem when one would be ≤ 0 or the window is unrunnable. */
export function slide(spatial: Dims, w: Window): Dims | { problem: Problem } {
  const conflict = strideDilationConflict(w);
  if (conflict) return { problem: conflict };
  const out = spatial.map((d, i) => convOutputLength(d, w.kernel[i], axisPadding(w.padding, i), w.stride[i], w.dilation[i]));
  const problem = checkPositive(out, spatial, w.kernel, w.padding);
  return problem ? { problem } : out;
}

/** TensorFlow's kernels (and so tfjs and Keras) run either strided or dilated windows, never both at once. */
function strideDilationConflict(w: Window): Problem | undefined {
  if (w.stride.every((s) => s === 1) || w.dilation.every((d) => d === 1)) return undefined;
  return {
    code: 'invalid-argument',
    arg: 'dilation',
    message: `stride (${w.stride.join(', ')}) and dilation (${w.dilation.join(', ')}) cannot both exceed 1: TensorFlow convolutions support one or the other.`,
  };
}

export function rfOf(spatial: Dims, w: Window): RfOp {
  return {
    kind: 'window',
    kernel: w.kernel,
    stride: w.stride,
    dilation: w.dilation,
    padStart: spatial.map((d, i) => padStart(d, w.kernel[i], axisPadding(w.padding, i), w.stride[i], w.dilation[i])),
  };
}

/** Product of the known dims; unknown dims count as 0 so MACs of unknown-size inputs stay 0, not NaN. */
export const area = (dims: Dims): number => dims.reduce<number>((p, d) => p * (d ?? 0), 1);
export const kernelText = (k: readonly number[]): string => k.join('·');
export const prod = (k: readonly number[]): number => k.reduce((a, b) => a * b, 1);
