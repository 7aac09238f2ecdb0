// Depthwise convolution gradients for wasm, which the stock backend lacks entirely.
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { alloc, assertChannelsLast, free, heap, type Info, type KernelArgs } from './wasm-heap';
import { ptr, simdKernels } from './wasm-simd';

type ConvInfo = tf.backend_util.Conv2DInfo;

export function depthwiseInfo(xShape: number[], filterShape: number[], attrs: Record<string, unknown>): ConvInfo {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides as [number, number],
    (attrs.dilations as [number, number] | number | undefined) ?? 1,
    attrs.pad as 'valid' | 'same' | number,
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
    true,
  );
}

/**
 * Visits every (output position, filter tap) pair whose input position is inside the image,
 * handing over the flat offsets of the dy pixel, the x pixel and the filter tap (all NHWC).
 */
function forEachTap(c: ConvInfo, visit: (dyBase: number, xBase: number, wBase: number) => void): void {
  const Co = c.outChannels;
  const Ci = c.inChannels;
  for (let n = 0; n < c.batchSize; n++) {
    for (let oy = 0; oy < c.outHeight; oy++) {
      for (let ox = 0; ox < c.outWidth; ox++) {
        const dyBase = ((n * c.outHeight + oy) * c.outWidth + ox) * Co;
        for (let ky = 0; ky < c.filterHeight; ky++) {
          const iy = oy * c.strideHeight + ky * c.dilationHeight - c.padInfo.top;
          if (iy < 0 || iy >= c.inHeight) continue;
          for (let kx = 0; kx < c.filterWidth; kx++) {
            const ix = ox * c.strideWidth + kx * c.dilationWidth - c.padInfo.left;
            if (ix < 0 || ix >= c.inWidth) continue;
            visit(dyBase, ((n * c.inHeight + iy) * c.inWidth + ix) * Ci, (ky * c.filterWidth + kx) * Co);
          }
        }
      }
    }
  }
}

/** The geometry arguments the SIMD depthwise kernels take after their pointers. */
export function geometry(c: ConvInfo): Geometry {
  return [
    c.batchSize, c.inHeight, c.inWidth, c.inChannels, c.outHeight, c.outWidth,
    c.filterHeight, c.filterWidth, c.strideHeight, c.strideWidth, c.dilationHeight, c.dilationWidth, c.padInfo.top, c.padInfo.left,
  ]; // prettier-ignore
}

/** One filter per channel (MobileNet's depthwise layers): Stride's SIMD kernel, float64 sums in heap scratch. */
function simdFilterGrad(backend: BackendWasm, x: Info, dy: Info, c: ConvInfo): Info {
  const dw = alloc(backend, c.filterShape);
  const acc = alloc(backend, [2 * c.filterHeight * c.filterWidth * c.outChannels]);
  simdKernels(backend).depthwiseFilterGrad(ptr(backend, x), ptr(backend, dy), ptr(backend, dw), ptr(backend, acc), ...geometry(c));
  free(backend, acc);
  return dw;
}

export type Geometry = [number, number, number, number, number, number, number, number, number, number, number, number, number, number];

/** dW[ky, kx, ci, m] = Σ x[n, iy, ix, ci] · dy[n, oy, ox, ci·M + m]; sums in float64 like cpu does. */
function depthwiseBackpropFilter(args: KernelArgs): Info {
  const { backend, inputs, attrs } = args;
  assertChannelsLast(attrs.dataFormat, 'DepthwiseConv2dNativeBackpropFilter');
  const c = depthwiseInfo(inputs.x.shape, attrs.filterShape as number[], attrs);
  const multiplier = c.outChannels / c.inChannels;
  if (multiplier === 1) return simdFilterGrad(backend, inputs.x, inputs.dy, c);
  const Co = c.outChannels;
  const sums = new Float64Array(c.filterHeight * c.filterWidth * Co);
  const dw = alloc(backend, c.filterShape);
  const x = heap(backend, inputs.x);
  const dy = heap(backend, inputs.dy);
  forEachTap(c, (dyBase, xBase, wBase) => {
    for (let ci = 0, o = 0; ci < c.inChannels; ci++) {
      const xv = x[xBase + ci];
      for (let m = 0; m < multiplier; m++, o++) sums[wBase + o] += xv * dy[dyBase + o];
    }
  });
  heap(backend, dw).set(sums);
  return dw;
}

/** dx[n, iy, ix, ci] = Σ dy[n, oy, ox, ci·M + m] · W[ky, kx, ci, m] over the taps that read it. */
function depthwiseBackpropInput(args: KernelArgs): Info {
  const { backend, inputs, attrs } = args;
  assertChannelsLast(attrs.dataFormat, 'DepthwiseConv2dNativeBackpropInput');
  const c = depthwiseInfo(attrs.inputShape as number[], inputs.filter.shape, attrs);
  const multiplier = c.outChannels / c.inChannels;
  const dx = alloc(backend, c.inShape, true);
  if (multiplier === 1) {
    simdKernels(backend).depthwiseInputGrad(ptr(backend, inputs.dy), ptr(backend, inputs.filter), ptr(backend, dx), ...geometry(c));
    return dx;
  }
  const dxValues = heap(backend, dx);
  const dy = heap(backend, inputs.dy);
  const w = heap(backend, inputs.filter);
  forEachTap(c, (dyBase, xBase, wBase) => {
    for (let ci = 0, o = 0; ci < c.inChannels; ci++) {
      let acc = 0;
      for (let m = 0; m < multiplier; m++, o++) acc += dy[dyBase + o] * w[wBase + o];
      dxValues[xBase + ci] += acc;
    }
  });
  return dx;
}

export const depthwiseBackpropFilterConfig: KernelConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropFilter',
  backendName: 'wasm',
  kernelFunc: depthwiseBackpropFilter as unknown as KernelFunc,
};

export const depthwiseBackpropInputConfig: KernelConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropInput',
  backendName: 'wasm',
  kernelFunc: depthwiseBackpropInput as unknown as KernelFunc,
};
