// Conv2DBackpropInput for wasm, built on the backend's fast GEMM and convolution.
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { directApplies, fastConv2d } from './wasm-conv';
import { stridedBackpropInput, stridedPhases } from './wasm-conv-grad-strided';
import { alloc, assertChannelsLast, free, heap, matmul, runStock, transposeInto, view, type Info, type KernelArgs } from './wasm-heap';

type ConvInfo = tf.backend_util.Conv2DInfo;
type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;

export function conv2dInfo(xShape: number[], filterShape: number[], attrs: Record<string, unknown>): ConvInfo {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides as [number, number],
    1,
    attrs.pad as Pad,
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
  );
}

/** col2im: adds every row of `cols` back onto the input positions it was gathered from. */
function col2im(cols: Float32Array, dx: Float32Array, c: ConvInfo): void {
  const { inHeight: H, inWidth: W, inChannels: C, filterHeight: KH, filterWidth: KW } = c;
  const rowLen = KH * KW * C;
  let p = 0;
  for (let n = 0; n < c.batchSize; n++) {
    for (let oy = 0; oy < c.outHeight; oy++) {
      for (let ox = 0; ox < c.outWidth; ox++, p++) {
        let src = p * rowLen;
        for (let ky = 0; ky < KH; ky++) {
          const iy = oy * c.strideHeight + ky - c.padInfo.top;
          for (let kx = 0; kx < KW; kx++, src += C) {
            const ix = ox * c.strideWidth + kx - c.padInfo.left;
            if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
            const dst = ((n * H + iy) * W + ix) * C;
            for (let ch = 0; ch < C; ch++) dx[dst + ch] += cols[src + ch];
          }
        }
      }
    }
  }
}

/**
 * Stride 1: dx is an ordinary convolution of dy with the filter flipped and its channel axes
 * swapped, padded by (filter − 1 − pad) — the backend's XNNPACK conv does that fast.
 */
function flippedConvPads(c: ConvInfo): number[] | null {
  if (c.strideHeight !== 1 || c.strideWidth !== 1) return null;
  const p = c.padInfo;
  const pads = [c.filterHeight - 1 - p.top, c.filterHeight - 1 - p.bottom, c.filterWidth - 1 - p.left, c.filterWidth - 1 - p.right];
  return pads.every((v) => v >= 0) ? pads : null;
}

function flipFilter(backend: BackendWasm, filter: Info, c: ConvInfo): Info {
  const { filterHeight: KH, filterWidth: KW, inChannels: Ci, outChannels: Co } = c;
  const out = alloc(backend, [KH, KW, Co, Ci]);
  const src = heap(backend, filter);
  const dst = heap(backend, out);
  for (let ky = 0; ky < KH; ky++) {
    for (let kx = 0; kx < KW; kx++) {
      const s = (ky * KW + kx) * Ci * Co;
      const d = ((KH - 1 - ky) * KW + (KW - 1 - kx)) * Co * Ci;
      transposeInto(src, s, Ci, Co, dst, d);
    }
  }
  return out;
}

function backpropInputByConv(backend: BackendWasm, dy: Info, filter: Info, c: ConvInfo, pads: number[]): Info {
  const flipped = flipFilter(backend, filter, c);
  const pad = [
    [0, 0],
    [pads[0], pads[1]],
    [pads[2], pads[3]],
    [0, 0],
  ];
  const attrs = { strides: [1, 1], pad, dataFormat: 'NHWC', dilations: [1, 1] };
  const flippedInfo = tf.backend_util.computeConv2DInfo(
    dy.shape as [number, number, number, number],
    flipped.shape as [number, number, number, number],
    [1, 1],
    1,
    pad as tf.backend_util.ExplicitPadding,
  );
  const dx = directApplies(flippedInfo) ? fastConv2d(backend, dy, flipped, flippedInfo) : runStock('Conv2D', backend, { x: dy, filter: flipped }, attrs);
  free(backend, flipped);
  return dx;
}

/** Any stride/padding: cols[P, K] = dy[P, Co] · Wᵀ[Co, K], then col2im scatters cols into dx. */
function backpropInputByCol2im(backend: BackendWasm, dy: Info, filter: Info, c: ConvInfo): Info {
  const P = c.batchSize * c.outHeight * c.outWidth;
  const K = c.filterHeight * c.filterWidth * c.inChannels;
  const Co = c.outChannels;
  const wT = alloc(backend, [Co, K]);
  transposeInto(heap(backend, filter), 0, K, Co, heap(backend, wT), 0);
  const cols = matmul(backend, view(dy, [P, Co]), wT, P, Co, K);
  const dx = alloc(backend, c.inShape, true);
  col2im(heap(backend, cols), heap(backend, dx), c);
  free(backend, wT, cols);
  return dx;
}

function conv2dBackpropInput(args: KernelArgs): Info {
  const { backend, inputs, attrs } = args;
  assertChannelsLast(attrs.dataFormat, 'Conv2DBackpropInput');
  const { dy, filter } = inputs;
  const c = conv2dInfo(attrs.inputShape as number[], filter.shape, attrs);
  const pads = flippedConvPads(c);
  const dx = pads
    ? backpropInputByConv(backend, dy, filter, c, pads)
    : (stridedBackpropInput(backend, dy, filter, c) ?? backpropInputByCol2im(backend, dy, filter, c));
  return view(dx, c.inShape);
}

export const conv2dBackpropInputConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropInput',
  backendName: 'wasm',
  kernelFunc: conv2dBackpropInput as unknown as KernelFunc,
};

/** Exposed for the flip path's tests: which strategy a configuration takes. */
export function backpropInputStrategy(inputShape: number[], filterShape: number[], attrs: Record<string, unknown>): string {
  const c = conv2dInfo(inputShape, filterShape, attrs);
  if (flippedConvPads(c)) return 'flipped-conv';
  return stridedPhases(c) ? 'strided-phases' : 'col2im';
}
