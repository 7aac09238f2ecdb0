// A correct MaxPoolGrad for wasm (the stock one drops gradients of windows of values ≤ 0).
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs';
import { alloc, heap, type Info, type KernelArgs } from './wasm-heap';

type PoolInfo = tf.backend_util.Conv2DInfo;

/**
 * Flat offsets (relative to the image) of the window taps of output (oy, ox) that fall inside
 * the image, in row-major order; returns how many were written.
 */
function windowTaps(c: PoolInfo, oy: number, ox: number, taps: Int32Array): number {
  let count = 0;
  for (let ky = 0; ky < c.effectiveFilterHeight; ky += c.dilationHeight) {
    const iy = oy * c.strideHeight - c.padInfo.top + ky;
    if (iy < 0 || iy >= c.inHeight) continue;
    for (let kx = 0; kx < c.effectiveFilterWidth; kx += c.dilationWidth) {
      const ix = ox * c.strideWidth - c.padInfo.left + kx;
      if (ix >= 0 && ix < c.inWidth) taps[count++] = (iy * c.inWidth + ix) * c.inChannels;
    }
  }
  return count;
}

/**
 * Per channel, finds the first maximum of each pooling window (row-major order, padding
 * excluded), exactly as the cpu backend does, and adds dy to that position of dx. The stock
 * wasm kernel starts its search at 0 instead of −∞, so windows of values ≤ 0 lost their gradient.
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
  const dx = alloc(backend, input.shape, true);
  const x = heap(backend, input);
  const dyValues = heap(backend, dy);
  const dxValues = heap(backend, dx);
  const C = c.inChannels;
  const windows = c.outHeight * c.outWidth;
  const perWindow = c.filterHeight * c.filterWidth;
  // Tap offsets of every window, computed once and reused for each image of the batch.
  const taps = new Int32Array(windows * perWindow);
  const counts = new Int32Array(windows);
  for (let w = 0; w < windows; w++) {
    counts[w] = windowTaps(c, Math.floor(w / c.outWidth), w % c.outWidth, taps.subarray(w * perWindow));
  }
  const imageSize = c.inHeight * c.inWidth * C;
  for (let n = 0, dyAt = 0; n < c.batchSize; n++) {
    const xBase = n * imageSize;
    for (let w = 0; w < windows; w++, dyAt += C) {
      const first = w * perWindow;
      const last = first + counts[w];
      for (let ch = 0; ch < C; ch++) {
        let best = -Infinity;
        let at = -1;
        for (let t = first; t < last; t++) {
          const i = xBase + taps[t] + ch;
          if (x[i] > best) {
            best = x[i];
            at = i;
          }
        }
        if (at >= 0) dxValues[at] += dyValues[dyAt + ch];
      }
    }
  }
  return dx;
}

export const maxPoolGradConfig: KernelConfig = {
  kernelName: 'MaxPoolGrad',
  backendName: 'wasm',
  kernelFunc: maxPoolGrad as unknown as KernelFunc,
};
