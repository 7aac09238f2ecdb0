// Sum and Mean over all leading axes (per-channel reductions) for wasm, without the stock transpose.
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs';
import { alloc, runStock, type Info, type KernelArgs } from './wasm-heap';
import { ptr, simdKernels } from './wasm-simd';

/**
 * Bias and batch-norm gradients reduce [N, H, W, C] over N, H and W. The stock kernels first
 * transpose the reduced axes innermost (a full copy) and then reduce; a wasm-SIMD kernel sums the
 * rows straight into per-channel float64 accumulators, reading the data once. Other reductions keep
 * the stock path.
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
  const rows = tf.util.sizeFromShape(x.shape.slice(0, -1));
  simdKernels(backend).channelSums(ptr(backend, x), ptr(backend, out), rows, channels, scale);
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
