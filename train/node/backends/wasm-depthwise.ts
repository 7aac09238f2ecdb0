// DepthwiseConv2dNative for wasm by Stride's SIMD kernel (one filter per channel, channels in whole vectors).
import type * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { paddedGrid } from './wasm-conv';
import { depthwiseInfo } from './wasm-depthwise-grad';
import { alloc, free, runStock, type Info, type KernelArgs } from './wasm-heap';
import { ptr, simdKernels } from './wasm-simd';

/**
 * MobileNet's depthwise layers at stride 1: multiplier 1, channels last, a multiple of 4 channels. The stock kernel
 * (XNNPACK) ran these at ~12.5 GFLOP/s, Stride's at 13–23 (1.1–1.8×; `npm run bench:kernels`). With stride 2 the
 * padded copy of the input costs as much as the arithmetic saved (0.8–1.0× the stock kernel; a version without the
 * copy, bounds checked at the edges, lost more on small images), so strided and other layers keep the stock kernel.
 */
export function depthwiseApplies(c: tf.backend_util.Conv2DInfo): boolean {
  return c.dataFormat === 'channelsLast' && c.outChannels === c.inChannels && c.inChannels % 4 === 0 && c.strideHeight === 1 && c.strideWidth === 1;
}

function depthwiseConv2d(args: KernelArgs): Info {
  const { backend, inputs, attrs } = args;
  const { x, filter } = inputs;
  if (attrs.dataFormat === 'NCHW' || x.dtype !== 'float32' || filter.dtype !== 'float32') return runStock('DepthwiseConv2dNative', backend, inputs, attrs);
  const c = depthwiseInfo(x.shape, filter.shape, attrs);
  if (!depthwiseApplies(c)) return runStock('DepthwiseConv2dNative', backend, inputs, attrs);
  return simdDepthwise(backend, x, filter, c);
}

/** Activations the fused kernel applies with the bias, by their code in the SIMD module's `biasActivation`. */
const FUSED_ACTIVATIONS: Readonly<Record<string, number | undefined>> = { linear: 0, relu: 1, relu6: 2 };

/**
 * FusedDepthwiseConv2D (depthwise convolution, per-channel bias, activation), what a depthwise layer folded with its
 * batch norm runs for prediction (train/inference-fold.ts): the SIMD kernel, then bias and ReLU/ReLU6 in one pass.
 */
function fusedDepthwiseConv2d(args: KernelArgs): Info {
  const { backend, inputs, attrs } = args;
  const { x, filter, bias, preluActivationWeights } = inputs;
  const activation = (attrs.activation as string | undefined) ?? 'linear';
  const code = FUSED_ACTIVATIONS[activation];
  const plain = attrs.dataFormat !== 'NCHW' && x.dtype === 'float32' && filter.dtype === 'float32' && code !== undefined && !preluActivationWeights;
  const c = plain ? depthwiseInfo(x.shape, filter.shape, attrs) : undefined;
  const plainBias = !bias || (bias.shape.length === 1 && bias.shape[0] === c?.outChannels && bias.dtype === 'float32');
  if (!c || !plainBias || !depthwiseApplies(c)) return runStock('FusedDepthwiseConv2D', backend, inputs, attrs);
  const y = simdDepthwise(backend, x, filter, c);
  if (!bias && code === 0) return y;
  const C = c.outChannels;
  simdKernels(backend).biasActivation(ptr(backend, y), bias ? ptr(backend, bias) : 0, y.shape.reduce((a, b) => a * b, 1) / C, C, !!bias, code!);
  return y;
}

function simdDepthwise(backend: BackendWasm, x: Info, filter: Info, c: tf.backend_util.Conv2DInfo): Info {
  const { Hp, Wp, padded } = paddedGrid(c);
  const scratch = alloc(backend, [padded ? Hp * Wp * c.inChannels : 1]);
  const out = alloc(backend, c.outShape);
  simdKernels(backend).depthwiseConv2d(
    ptr(backend, x),
    ptr(backend, filter),
    ptr(backend, out),
    ptr(backend, scratch),
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
    Hp,
    Wp,
  );
  free(backend, scratch);
  return out;
}

export const fusedDepthwiseConv2dConfig: KernelConfig = {
  kernelName: 'FusedDepthwiseConv2D',
  backendName: 'wasm',
  kernelFunc: fusedDepthwiseConv2d as unknown as KernelFunc,
};

export const depthwiseConv2dConfig: KernelConfig = {
  kernelName: 'DepthwiseConv2dNative',
  backendName: 'wasm',
  kernelFunc: depthwiseConv2d as unknown as KernelFunc,
};
