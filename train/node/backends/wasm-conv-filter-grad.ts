// Conv2DBackpropFilter for wasm (missing upstream): Winograd's transforms for 3×3 stride-1 layers
// (wasm-winograd.ts), a direct wasm-SIMD kernel, or for output channel counts that are not a multiple of 4, a
// transposed im2col fed to the backend's GEMM.
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { paddedGrid } from './wasm-conv';
import { conv2dInfo } from './wasm-conv-grad';
import { alloc, assertChannelsLast, free, heap, matmul, view, type Info, type KernelArgs } from './wasm-heap';
import { ptr, simdKernels } from './wasm-simd';
import { winogradFilterGrad, winogradFilterGradPays } from './wasm-winograd';

type ConvInfo = tf.backend_util.Conv2DInfo;

/**
 * With Co a multiple of 4, the direct kernel (see `directFilterGrad`). Otherwise the product is dW[K, Co] = colsᵀ[K, P] · dy[P, Co] (K = filter taps × input channels, P = output
 * positions). XNNPACK packs its right-hand operand for every new buffer at a high cost per
 * element, so dy — the smaller of the two big operands — goes on the right, and the left operand is
 * built already transposed. Two ways to build it:
 *
 * - stride 1 ("shifted grid"): on the zero-padded input grid, output position g reads input
 *   g + ky·Wp + kx, so every row of colsᵀ is one contiguous slice of the transposed padded
 *   input: K memcpys instead of K·P scattered writes. dy is spread onto the same grid (zeros
 *   where no output exists), which costs a little extra GEMM work but far less than the gather.
 * - any stride: a direct gather (transposed im2col).
 */
function conv2dBackpropFilter(args: KernelArgs): Info {
  const { backend, inputs, attrs } = args;
  assertChannelsLast(attrs.dataFormat, 'Conv2DBackpropFilter');
  const { x, dy } = inputs;
  const c = conv2dInfo(x.shape, attrs.filterShape as number[], attrs);
  if (winogradFilterGradPays(c)) return winogradFilterGrad(backend, x, dy, c);
  return c.outChannels % 4 === 0 ? directFilterGrad(backend, x, dy, c) : byGemm(backend, x, dy, c);
}

/** The GEMM paths (any channel counts); exported for the kernel benchmark, which compares them with `directFilterGrad`. */
export function byGemm(backend: BackendWasm, x: Info, dy: Info, c: ConvInfo): Info {
  const dw = c.strideHeight === 1 && c.strideWidth === 1 ? byShiftedGrid(backend, x, dy, c) : byGather(backend, x, dy, c);
  return view(dw, c.filterShape);
}

/**
 * Output positions per cache block of the direct kernel: ~64 measured fastest on the benchmark nets' layers
 * (32–256 tried; 2–4× faster than the GEMM paths below and faster than the backend's forward convolution).
 */
const BLOCK_POSITIONS = 64;

/**
 * The wasm-SIMD kernel of train/simd/kernels.ts: no im2col, no transposes, cache-blocked by output rows (exported
 * for the kernel benchmark).
 */
export function directFilterGrad(backend: BackendWasm, x: Info, dy: Info, c: ConvInfo): Info {
  const { Hp, Wp, padded } = paddedGrid(c);
  const pad = alloc(backend, padded ? [Hp * Wp * c.inChannels] : [1]);
  const dw = alloc(backend, c.filterShape);
  const rows = Math.max(1, Math.round(BLOCK_POSITIONS / c.outWidth));
  simdKernels(backend).convFilterGrad(
    ptr(backend, x),
    ptr(backend, dy),
    ptr(backend, dw),
    ptr(backend, pad),
    c.batchSize,
    c.inHeight,
    c.inWidth,
    c.inChannels,
    c.outHeight,
    c.outWidth,
    c.outChannels,
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
    rows,
  );
  free(backend, pad);
  return dw;
}

/** Geometry of the zero-padded input grid that output positions are anchored on. */
function gridOf(c: ConvInfo) {
  const Hp = c.inHeight + c.padInfo.top + c.padInfo.bottom;
  const Wp = c.inWidth + c.padInfo.left + c.padInfo.right;
  const G = c.batchSize * Hp * Wp;
  // colsᵀ rows read up to (KH−1)·Wp + KW−1 past the grid: that margin of xᵀ stays zero.
  const rowLength = G + (c.filterHeight - 1) * Wp + c.filterWidth - 1;
  return { Hp, Wp, G, rowLength };
}

/**
 * Grid positions per GEMM call. XNNPACK's fully-connected kernel does not block the reduction
 * dimension, so one call over all positions streams its packed right-hand side from memory for
 * every row tile; 2,048-position chunks measured fastest (~1.2× over one call; 256–8,192 tried).
 */
const GRID_CHUNK = 2048;

function byShiftedGrid(backend: BackendWasm, x: Info, dy: Info, c: ConvInfo): Info {
  const { Hp, Wp, G, rowLength } = gridOf(c);
  const K = c.filterHeight * c.filterWidth * c.inChannels;
  const Co = c.outChannels;
  const xT = alloc(backend, [c.inChannels, rowLength], true);
  const dyGrid = alloc(backend, [G, Co], true);
  const chunk = Math.min(G, GRID_CHUNK);
  const colsT = alloc(backend, [K, chunk]);
  transposeOntoGrid(heap(backend, x), heap(backend, xT), c, Hp, Wp, rowLength);
  spreadOntoGrid(heap(backend, dy), heap(backend, dyGrid), c, Hp, Wp);
  const sums = new Float64Array(K * Co);
  for (let g0 = 0; g0 < G; g0 += chunk) {
    const width = Math.min(chunk, G - g0);
    gatherShifted(heap(backend, xT), heap(backend, colsT), c, Wp, rowLength, g0, width);
    // A fresh right-hand buffer per call: the backend caches packed right-hand operands by buffer id.
    const dyChunk = alloc(backend, [width, Co]);
    heap(backend, dyChunk).set(heap(backend, dyGrid).subarray(g0 * Co, (g0 + width) * Co));
    const partial = matmul(backend, colsT, dyChunk, K, width, Co);
    addInto(sums, heap(backend, partial));
    free(backend, partial, dyChunk);
  }
  free(backend, xT, dyGrid, colsT);
  const dw = alloc(backend, [K, Co]);
  heap(backend, dw).set(sums);
  return dw;
}

/** colsᵀ[(ky, kx, ci), j] = xᵀ[ci, g0 + j + ky·Wp + kx] for j < width: one memcpy per row. */
function gatherShifted(xT: Float32Array, colsT: Float32Array, c: ConvInfo, Wp: number, rowLength: number, g0: number, width: number): void {
  for (let ky = 0, row = 0; ky < c.filterHeight; ky++) {
    for (let kx = 0; kx < c.filterWidth; kx++) {
      const shift = g0 + ky * Wp + kx;
      for (let ci = 0; ci < c.inChannels; ci++, row++) {
        const start = ci * rowLength + shift;
        colsT.set(xT.subarray(start, start + width), row * width);
      }
    }
  }
}

function addInto(sums: Float64Array, values: Float32Array): void {
  for (let i = 0; i < sums.length; i++) sums[i] += values[i];
}

/** xᵀ[ci, (n, pt + iy, pl + ix)] = x[n, iy, ix, ci]; the rest of each row stays zero. */
function transposeOntoGrid(x: Float32Array, xT: Float32Array, c: ConvInfo, Hp: number, Wp: number, rowLength: number): void {
  const { inHeight: H, inWidth: W, inChannels: C } = c;
  const top = c.padInfo.top;
  const left = c.padInfo.left;
  for (let n = 0; n < c.batchSize; n++) {
    for (let iy = 0; iy < H; iy++) {
      const src = (n * H + iy) * W * C;
      const dst = (n * Hp + iy + top) * Wp + left;
      for (let ix = 0; ix < W; ix++) {
        for (let ci = 0, s = src + ix * C, d = dst + ix; ci < C; ci++, d += rowLength) xT[d] = x[s + ci];
      }
    }
  }
}

/** dyGrid[(n, oy, ox), :] = dy[n, oy, ox, :] — output rows land at the top-left of the grid. */
function spreadOntoGrid(dy: Float32Array, dyGrid: Float32Array, c: ConvInfo, Hp: number, Wp: number): void {
  const rowFloats = c.outWidth * c.outChannels;
  for (let n = 0; n < c.batchSize; n++) {
    for (let oy = 0; oy < c.outHeight; oy++) {
      const src = (n * c.outHeight + oy) * rowFloats;
      dyGrid.set(dy.subarray(src, src + rowFloats), (n * Hp + oy) * Wp * c.outChannels);
    }
  }
}

function byGather(backend: BackendWasm, x: Info, dy: Info, c: ConvInfo): Info {
  const P = c.batchSize * c.outHeight * c.outWidth;
  const Pp = paddedLength(P);
  const K = c.filterHeight * c.filterWidth * c.inChannels;
  const dyPadded = padRows(backend, dy, P, Pp, c.outChannels);
  const colsT = alloc(backend, [K, Pp]);
  const colsValues = heap(backend, colsT);
  im2colTransposed(heap(backend, x), colsValues, c, Pp);
  for (let r = 0; r < K && Pp > P; r++) colsValues.fill(0, r * Pp + P, (r + 1) * Pp);
  const dw = matmul(backend, colsT, dyPadded, K, Pp, c.outChannels);
  free(backend, colsT);
  if (dyPadded !== dy) free(backend, dyPadded);
  return dw;
}

/**
 * Transposed im2col: colsT[(filterRow, filterCol, inChannel), p] for output position
 * p = (n, outRow, outCol), zero where the receptive field falls into padding. Rows are `stride`
 * floats apart. Built in output-row segments so reads and writes stay within a few cache lines.
 */
function im2colTransposed(x: Float32Array, colsT: Float32Array, c: ConvInfo, stride: number): void {
  const { inHeight: H, inWidth: W, inChannels: C, outWidth: Wo } = c;
  for (let n = 0, p0 = 0; n < c.batchSize; n++) {
    for (let oy = 0; oy < c.outHeight; oy++, p0 += Wo) {
      for (let ky = 0; ky < c.filterHeight; ky++) {
        const iy = oy * c.strideHeight + ky - c.padInfo.top;
        for (let kx = 0; kx < c.filterWidth; kx++) {
          const rowBase = (ky * c.filterWidth + kx) * C * stride + p0;
          if (iy < 0 || iy >= H) {
            for (let ch = 0; ch < C; ch++) colsT.fill(0, rowBase + ch * stride, rowBase + ch * stride + Wo);
            continue;
          }
          const srcRow = (n * H + iy) * W * C;
          for (let ox = 0; ox < Wo; ox++) {
            const ix = ox * c.strideWidth + kx - c.padInfo.left;
            const inside = ix >= 0 && ix < W;
            const src = srcRow + ix * C;
            for (let ch = 0, dst = rowBase + ox; ch < C; ch++, dst += stride) colsT[dst] = inside ? x[src + ch] : 0;
          }
        }
      }
    }
  }
}

/**
 * Row stride for colsT. P is often a large power of two (32·32·32), and rows that far apart
 * share cache sets, so filling colsT column-wise thrashes every cache level; a few padding
 * columns (matched by zero rows of dy) make the stride odd-sized.
 */
function paddedLength(P: number): number {
  return P % 64 === 0 ? P + 16 : P;
}

/** dy [P, Co] copied into [Pp, Co] with zero rows after P, so the padding columns add nothing. */
function padRows(backend: BackendWasm, dy: Info, P: number, Pp: number, Co: number): Info {
  if (Pp === P) return dy;
  const out = alloc(backend, [Pp, Co]);
  const dst = heap(backend, out);
  dst.set(heap(backend, dy));
  dst.fill(0, P * Co);
  return out;
}

export const conv2dBackpropFilterConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilter as unknown as KernelFunc,
};
