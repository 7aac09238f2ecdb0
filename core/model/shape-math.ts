// Shape arithmetic shared by layers: output lengths and padding, following tfjs-layers exactly.

import { formatInt } from './values';
import type { ArgValue, Problem, SymbolicFix } from './registry';

export type Padding = 'valid' | 'same' | 'causal';
/** One axis's padding: a word, or explicit zeros (before, after) as PyTorch pads. */
export type AxisPadding = Padding | readonly [number, number];
/** A layer's padding as bound: a word, or per-side numbers in (before, after) pairs, axis by axis. */
export type WindowPadding = Padding | readonly number[];

/** The padding of spatial axis `i`: the word itself, or that axis's (before, after) pair. */
export function axisPadding(padding: WindowPadding, i: number): AxisPadding {
  return typeof padding === 'string' ? padding : [padding[2 * i], padding[2 * i + 1]];
}

/** Explicit zeros (before, after) on one axis, or undefined for a padding word. */
export const explicitPads = (padding: AxisPadding): readonly [number, number] | undefined => (typeof padding === 'string' ? undefined : padding);

export function effectiveKernel(kernel: number, dilation: number): number {
  return kernel + (kernel - 1) * (dilation - 1);
}

/** tfjs `convOutputLength`: the output length of a convolution or pooling window along one axis. */
export function convOutputLength(input: number | null, kernel: number, padding: AxisPadding, stride: number, dilation = 1): number | null {
  if (input === null) return null;
  const k = effectiveKernel(kernel, dilation);
  const pads = explicitPads(padding);
  // PyTorch: floor((in + before + after − k) / stride) + 1.
  if (pads) return Math.floor((input + pads[0] + pads[1] - k) / stride) + 1;
  const length = padding === 'valid' ? input - k + 1 : input;
  return Math.floor((length + stride - 1) / stride);
}

/** tfjs `deconvLength`: the output length of a transposed convolution along one axis. */
export function deconvLength(input: number | null, kernel: number, padding: AxisPadding, stride: number, dilation = 1): number | null {
  if (input === null) return null;
  const k = effectiveKernel(kernel, dilation);
  const pads = explicitPads(padding);
  // PyTorch's ConvTranspose: the full output (in − 1)·stride + k, cropped by `before` and `after`.
  if (pads) return (input - 1) * stride + k - pads[0] - pads[1];
  return padding === 'valid' ? input * stride + Math.max(k - stride, 0) : input * stride;
}

/** Zeros added before the first element along one axis (TensorFlow's `same` puts the extra one after). */
export function padStart(input: number | null, kernel: number, padding: AxisPadding, stride: number, dilation = 1): number {
  const k = effectiveKernel(kernel, dilation);
  const pads = explicitPads(padding);
  if (pads) return pads[0];
  if (padding === 'valid') return 0;
  if (padding === 'causal') return k - 1;
  if (input === null) return Math.floor((k - 1) / 2);
  const out = Math.ceil(input / stride);
  const total = Math.max((out - 1) * stride + k - input, 0);
  return Math.floor(total / 2);
}

export const asNums = (v: ArgValue): readonly number[] => v as readonly number[];
export const asNum = (v: ArgValue): number => v as number;

/** Product of known dimensions, or null when any is unknown. */
export function product(dims: readonly (number | null)[]): number | null {
  let p = 1;
  for (const d of dims) {
    if (d === null) return null;
    p *= d;
  }
  return p;
}

/** Checks every output dimension is positive; otherwise a problem with a `padding: same` fix where that helps. */
export function checkPositive(
  out: readonly (number | null)[],
  inputs: readonly (number | null)[],
  kernels: readonly number[],
  padding?: WindowPadding,
): Problem | undefined {
  const bad = out.findIndex((d) => d !== null && d <= 0);
  if (bad < 0) return undefined;
  const fixes: SymbolicFix[] = padding === 'valid' ? [{ kind: 'set-arg', title: 'Use padding: same', arg: 'padding', value: 'same' }] : [];
  return {
    code: 'non-positive-dimension',
    message: `Output dimension ${bad + 1} would be ${out[bad]}: the window (${kernels[bad]}) is larger than the input (${inputs[bad]}).`,
    arg: 'kernel',
    fixes,
  };
}

/** `(3·3·64 + 1)·128 = 73,856` style: factors, an optional `+ bias` inside, then the multiplier. */
export function productFormula(factors: readonly (number | string)[], total: number): string {
  return `${factors.join('·')} = ${formatInt(total)}`;
}
