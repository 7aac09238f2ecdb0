// A correct MaxPoolGrad for wasm (the stock one drops gradients of windows of values ≤ 0).
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs';
import { alloc, type Info, type KernelArgs } from './wasm-heap';
import { ptr, simdKernels } from './wasm-simd';

/**
 * Per channel, finds the first maximum of each pooling window (row-major order, padding excluded),
 * exactly as the cpu backend does, and adds dy to that position of dx: a wasm-SIMD kernel
 * (train/simd/kernels.ts), four channels at a time. The stock wasm kernel starts its search at 0
 * instead of −∞, so windows of values ≤ 0 lost their gradient.
 */
function maxPoolGrad(args: KernelArgs): Info {
  const { backend, inputs, attrs } = args;
  const { dy, input } = inputs;
  const c = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    attrs.filterSize as [number, number],
    attrs.strides as [number, number],
    1,
    attrs.pad as 'valid' | 'same' | number,
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
  );
  const dx = alloc(backend, input.shape);
  simdKernels(backend).maxPoolGrad(
    ptr(backend, input),
    ptr(backend, dy),
    ptr(backend, dx),
    c.batchSize,
    c.inHeight,
    c.inWidth,
    c.inChannels,
    c.outHeight,
    c.outWidth,
    c.filterHeight,
    c.filterWidth,
    c.strideHeight,
    c.strideWidth,
    c.dilationHeight,
    c.dilationWidth,
    c.padInfo.top,
    c.padInfo.left,
  );
  return dx;
}

export const maxPoolGradConfig: KernelConfig = {
  kernelName: 'MaxPoolGrad',
  backendName: 'wasm',
  kernelFunc: maxPoolGrad as unknown as KernelFunc,
};
