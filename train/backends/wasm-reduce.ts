// Sum and Mean over all leading axes (per-channel reductions) for wasm, without the stock transpose.
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs';
import { alloc, heap, runStock, type Info, type KernelArgs } from './wasm-heap';

/**
 * Bias and batch-norm gradients reduce [N, H, W, C] over N, H and W. The stock kernels first
 * transpose the reduced axes innermost (a full copy) and then reduce; summing rows straight
 * into a per-channel accumulator reads the data once. Other reductions keep the stock path.
 */
function leadingAxesOnly(x: Info, axis: unknown): boolean {
  const rank = x.shape.length;
  if (rank < 2 || x.dtype !== 'float32') return false;
  const axes = tf.util.parseAxisParam(axis as number | number[], x.shape).sort((a, b) => a - b);
  return axes.length === rank - 1 && axes.every((a, i) => a === i);
}

function channelSums(backend: KernelArgs['backend'], x: Info, scale: number, keepDims: boolean): Info {
  const channels = x.shape[x.shape.length - 1];
  const out = alloc(backend, keepDims ? x.shape.map((d, i) => (i === x.shape.length - 1 ? d : 1)) : [channels]);
  const values = heap(backend, x);
  const target = heap(backend, out);
  // One scalar accumulator per channel (strided reads) measured faster than a vector of sums.
  for (let ch = 0; ch < channels; ch++) {
    let sum = 0;
    for (let i = ch; i < values.length; i += channels) sum += values[i];
    target[ch] = sum * scale;
  }
  return out;
}

function reduction(kernel: 'Sum' | 'Mean') {
  return (args: KernelArgs): Info => {
    const { backend, inputs, attrs } = args;
    const x = inputs.x;
    if (!leadingAxesOnly(x, attrs.axis)) return runStock(kernel, backend, inputs, attrs);
    const rows = tf.util.sizeFromShape(x.shape.slice(0, -1));
    return channelSums(backend, x, kernel === 'Mean' ? 1 / rows : 1, Boolean(attrs.keepDims));
  };
}

export const sumConfig: KernelConfig = {
  kernelName: 'Sum',
  backendName: 'wasm',
  kernelFunc: reduction('Sum') as unknown as KernelFunc,
};

export const meanConfig: KernelConfig = {
  kernelName: 'Mean',
  backendName: 'wasm',
  kernelFunc: reduction('Mean') as unknown as KernelFunc,
};
