// DepthwiseConv2dNative for wasm by Stride's SIMD kernel (one filter per channel, channels in whole vectors).
import type * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { epilogue, epilogueCode, paddedGrid } from './wasm-conv';
import { depthwiseInfo, geometry } from './wasm-depthwise-grad';
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

/** The geometry of a depthwise op whose tensors Stride's kernel takes (float32, channels last, `depthwiseApplies`). */
function simdGeometry(inputs: Record<string, Info>, attrs: Record<string, unknown>): tf.backend_util.Conv2DInfo | undefined {
  const { x, filter } = inputs;
  if (attrs.dataFormat === 'NCHW' || x.dtype !== 'float32' || filter.dtype !== 'float32') return undefined;
  const c = depthwiseInfo(x.shape, filter.shape, attrs);
  return depthwiseApplies(c) ? c : undefined;
}

function depthwiseConv2d(args: KernelArgs): Info {
  const { backend, inputs, attrs } = args;
  const c = simdGeometry(inputs, attrs);
  return c ? simdDepthwise(backend, inputs.x, inputs.filter, c) : runStock('DepthwiseConv2dNative', backend, inputs, attrs);
}

/**
 * FusedDepthwiseConv2D (depthwise convolution, per-channel bias, activation), what a depthwise layer folded with its
 * batch norm runs for prediction (train/inference-fold.ts): the SIMD kernel, then bias and ReLU/ReLU6 in one pass.
 */
function fusedDepthwiseConv2d(args: KernelArgs): Info {
  const { backend, inputs, attrs } = args;
  const c = simdGeometry(inputs, attrs);
  const code = c && epilogueCode(inputs, attrs, c.outChannels);
  if (!c || code === undefined) return runStock('FusedDepthwiseConv2D', backend, inputs, attrs);
  return epilogue(backend, simdDepthwise(backend, inputs.x, inputs.filter, c), inputs.bias, code, c.outChannels);
}

function simdDepthwise(backend: BackendWasm, x: Info, filter: Info, c: tf.backend_util.Conv2DInfo): Info {
  const { Hp, Wp, padded } = paddedGrid(c);
  const scratch = alloc(backend, [padded ? Hp * Wp * c.inChannels : 1]);
  const out = alloc(backend, c.outShape);
  simdKernels(backend).depthwiseConv2d(ptr(backend, x), ptr(backend, filter), ptr(backend, out), ptr(backend, scratch), ...geometry(c), Hp, Wp);
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
