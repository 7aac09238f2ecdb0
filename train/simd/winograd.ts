// 3×3 stride-1 convolutions by Winograd's minimal filtering F(2×2, 3×3) (Lavin & Gray, "Fast Algorithms for
// Convolutional Neural Networks", 2015): each 2×2 block of outputs of one (input, output) channel pair costs 16
// multiplications instead of 36, in transformed space, where the sum over input channels becomes 16 independent
// matrix products. Y = Aᵀ [ Σ_ci (G g Gᵀ) ⊙ (Bᵀ d B) ] A with
//   Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1],  G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1],  Aᵀ = [1 1 1 0; 0 1 −1 −1],
// whose coefficients are 0, ±1 and ±½: the transforms add and halve exactly, so the result differs from a direct
// sum only by the order of float32 additions. It computes correlation, as Conv2D does.
//
// Three passes per image over scratch the caller allocated on the backend (see train/node/backends/wasm-winograd.ts):
// the input's 4×4 tiles (stride 2, zero-padded) into V[ξ][tile][ci], 16 products M[ξ] = V[ξ]·U[ξ] into
// M[ξ][tile][co], and the output transform with the bias and activation into y. U, the transformed filter, comes
// from `winogradFilter` and may be kept across calls. Channels last; Ci a multiple of 4, Co a multiple of 8.

// @ts-nocheck: AssemblyScript types (usize, f32, v128) and builtins, not TypeScript.

import { finish } from './tiles';
import { intoGrid, planeBytes, products } from './winograd-core';
import { inputTransform4, outputTransform4 } from './winograd4';

/** Stores [a, (a + b + c)/2, (a − b + c)/2, c] (one row of (G g) Gᵀ) at ξ = 4·row … 4·row + 3 of U. */
// @ts-ignore: decorator
@inline
function filterRow(u: usize, xiStride: usize, row: i32, a: v128, b: v128, c: v128): void {
  const half = f32x4.splat(0.5);
  const even = f32x4.mul(f32x4.add(a, c), half);
  const odd = f32x4.mul(b, half);
  const at = u + (<usize>(row * 4)) * xiStride;
  v128.store(at, a);
  v128.store(at + xiStride, f32x4.add(even, odd));
  v128.store(at + 2 * xiStride, f32x4.sub(even, odd));
  v128.store(at + 3 * xiStride, c);
}

/**
 * U = G g Gᵀ for every (ci, co) of a [3, 3, Ci, Co] filter, stored as U[ξ][co / 8][ci][co % 8] (ξ = 4·row + column of
 * the 4×4 result), so the products read 8 output channels of consecutive input channels contiguously.
 */
export function winogradFilter(wPtr: usize, uPtr: usize, Ci: i32, Co: i32): void {
  // Output channels 4 at a time outer, input channels inner: each of the 16 ξ planes is then written at a steady
  // 32-byte stride and each of the 9 taps read at a steady stride, instead of 16 stores scattered across the planes.
  const tap = (<usize>(Ci * Co)) << 2;
  const xiStride = (<usize>(Ci * Co)) << 2;
  for (let co = 0; co < Co; co += 4) {
    let g = wPtr + ((<usize>co) << 2);
    let u = uPtr + ((<usize>((co >> 3) * Ci * 8 + (co & 7))) << 2);
    for (let ci = 0; ci < Ci; ci++) {
      filterVector(g, u, tap, xiStride);
      g += (<usize>Co) << 2;
      u += 32;
    }
  }
}

/** U for 4 output channels of one input channel: g at `g` (taps `tap` bytes apart), U's 16 planes `xiStride` apart. */
// @ts-ignore: decorator
@inline
function filterVector(g: usize, u: usize, tap: usize, xiStride: usize): void {
  const half = f32x4.splat(0.5);
  // g[ky][kx] for these 4 output channels; G·g combines the rows ky.
  const g00 = v128.load(g), g01 = v128.load(g + tap), g02 = v128.load(g + 2 * tap);
  const g10 = v128.load(g + 3 * tap), g11 = v128.load(g + 4 * tap), g12 = v128.load(g + 5 * tap);
  const g20 = v128.load(g + 6 * tap), g21 = v128.load(g + 7 * tap), g22 = v128.load(g + 8 * tap);
  const e0 = f32x4.mul(f32x4.add(g00, g20), half), o0 = f32x4.mul(g10, half);
  const e1 = f32x4.mul(f32x4.add(g01, g21), half), o1 = f32x4.mul(g11, half);
  const e2 = f32x4.mul(f32x4.add(g02, g22), half), o2 = f32x4.mul(g12, half);
  filterRow(u, xiStride, 0, g00, g01, g02);
  filterRow(u, xiStride, 1, f32x4.add(e0, o0), f32x4.add(e1, o1), f32x4.add(e2, o2));
  filterRow(u, xiStride, 2, f32x4.sub(e0, o0), f32x4.sub(e1, o1), f32x4.sub(e2, o2));
  filterRow(u, xiStride, 3, g20, g21, g22);
}

/**
 * One image's input transform: for every tile (ty, tx) of the padded grid `grid` (Hg × Wg × Ci; tile origin
 * (2·ty, 2·tx)), V[ξ][ty·TW + tx][ci] = (Bᵀ d B)[ξ] of its 4×4 patch d, 4 channels at a time; V's planes are
 * `xiStride` bytes apart.
 */
export function inputTransform(grid: usize, vPtr: usize, TH: i32, TW: i32, Wg: i32, Ci: i32, xiStride: usize): void {
  const row = (<usize>(Wg * Ci)) << 2;
  const col = (<usize>Ci) << 2;
  for (let ty = 0; ty < TH; ty++) {
    for (let tx = 0; tx < TW; tx++) {
      const origin = grid + (<usize>(2 * ty)) * row + (<usize>(2 * tx)) * col;
      const out = vPtr + ((<usize>((ty * TW + tx) * Ci)) << 2);
      for (let c: usize = 0; c < col; c += 16) {
        const p = origin + c;
        // Bᵀ on the rows: t0 = d0 − d2, t1 = d1 + d2, t2 = d2 − d1, t3 = d1 − d3 (each a row of 4 columns).
        const d00 = v128.load(p), d01 = v128.load(p + col), d02 = v128.load(p + 2 * col), d03 = v128.load(p + 3 * col);
        const d10 = v128.load(p + row), d11 = v128.load(p + row + col), d12 = v128.load(p + row + 2 * col), d13 = v128.load(p + row + 3 * col);
        const d20 = v128.load(p + 2 * row), d21 = v128.load(p + 2 * row + col), d22 = v128.load(p + 2 * row + 2 * col), d23 = v128.load(p + 2 * row + 3 * col);
        const d30 = v128.load(p + 3 * row), d31 = v128.load(p + 3 * row + col), d32 = v128.load(p + 3 * row + 2 * col), d33 = v128.load(p + 3 * row + 3 * col);
        const o = out + c;
        inputRow(o, xiStride, 0, f32x4.sub(d00, d20), f32x4.sub(d01, d21), f32x4.sub(d02, d22), f32x4.sub(d03, d23));
        inputRow(o, xiStride, 1, f32x4.add(d10, d20), f32x4.add(d11, d21), f32x4.add(d12, d22), f32x4.add(d13, d23));
        inputRow(o, xiStride, 2, f32x4.sub(d20, d10), f32x4.sub(d21, d11), f32x4.sub(d22, d12), f32x4.sub(d23, d13));
        inputRow(o, xiStride, 3, f32x4.sub(d10, d30), f32x4.sub(d11, d31), f32x4.sub(d12, d32), f32x4.sub(d13, d33));
      }
    }
  }
}

/** Bᵀ on one row's 4 columns: [x0 − x2, x1 + x2, x2 − x1, x1 − x3] at ξ = 4·row … 4·row + 3 of V. */
// @ts-ignore: decorator
@inline
function inputRow(o: usize, xiStride: usize, row: i32, x0: v128, x1: v128, x2: v128, x3: v128): void {
  const at = o + (<usize>(row * 4)) * xiStride;
  v128.store(at, f32x4.sub(x0, x2));
  v128.store(at + xiStride, f32x4.add(x1, x2));
  v128.store(at + 2 * xiStride, f32x4.sub(x2, x1));
  v128.store(at + 3 * xiStride, f32x4.sub(x1, x3));
}

/**
 * One image's output transform and epilogue: y[2·ty + r, 2·tx + s, co] = act((Aᵀ M A)[r][s] + bias[co]) for the
 * positions inside Ho × Wo; activation codes as `biasActivation` (0 none, 1 ReLU, 2 ReLU6).
 */
function outputTransform(mPtr: usize, yPtr: usize, bias: usize, TH: i32, TW: i32, Ho: i32, Wo: i32, Co: i32, hasBias: bool, activation: i32): void {
  const T = TH * TW;
  const xiStride = planeBytes(T, Co);
  const col = (<usize>Co) << 2;
  const row = (<usize>Wo) * col;
  const zero = f32x4.splat(0);
  const six = f32x4.splat(6);
  for (let ty = 0; ty < TH; ty++) {
    const twoRows = 2 * ty + 1 < Ho;
    for (let tx = 0; tx < TW; tx++) {
      const twoCols = 2 * tx + 1 < Wo;
      const m = mPtr + ((<usize>((ty * TW + tx) * Co)) << 2);
      const y = yPtr + (<usize>(2 * ty)) * row + (<usize>(2 * tx)) * col;
      for (let c: usize = 0; c < col; c += 16) {
        const p = m + c;
        const m0 = v128.load(p), m1 = v128.load(p + xiStride), m2 = v128.load(p + 2 * xiStride), m3 = v128.load(p + 3 * xiStride);
        const m4 = v128.load(p + 4 * xiStride), m5 = v128.load(p + 5 * xiStride), m6 = v128.load(p + 6 * xiStride), m7 = v128.load(p + 7 * xiStride);
        const m8 = v128.load(p + 8 * xiStride), m9 = v128.load(p + 9 * xiStride), m10 = v128.load(p + 10 * xiStride), m11 = v128.load(p + 11 * xiStride);
        const m12 = v128.load(p + 12 * xiStride), m13 = v128.load(p + 13 * xiStride), m14 = v128.load(p + 14 * xiStride), m15 = v128.load(p + 15 * xiStride);
        // Aᵀ on the rows: s0 = M0 + M1 + M2, s1 = M1 − M2 − M3 (rows of 4 columns), then A on the columns.
        const s00 = f32x4.add(f32x4.add(m0, m4), m8), s01 = f32x4.add(f32x4.add(m1, m5), m9);
        const s02 = f32x4.add(f32x4.add(m2, m6), m10), s03 = f32x4.add(f32x4.add(m3, m7), m11);
        const s10 = f32x4.sub(f32x4.sub(m4, m8), m12), s11 = f32x4.sub(f32x4.sub(m5, m9), m13);
        const s12 = f32x4.sub(f32x4.sub(m6, m10), m14), s13 = f32x4.sub(f32x4.sub(m7, m11), m15);
        const b = hasBias ? v128.load(bias + c) : zero;
        const at = y + c;
        v128.store(at, finish(f32x4.add(f32x4.add(s00, s01), s02), b, activation, zero, six));
        if (twoCols) v128.store(at + col, finish(f32x4.sub(f32x4.sub(s01, s02), s03), b, activation, zero, six));
        if (twoRows) {
          v128.store(at + row, finish(f32x4.add(f32x4.add(s10, s11), s12), b, activation, zero, six));
          if (twoCols) v128.store(at + row + col, finish(f32x4.sub(f32x4.sub(s11, s12), s13), b, activation, zero, six));
        }
      }
    }
  }
}

/**
 * y = act(conv(x, w) + bias) for a 3×3 filter at stride 1 and dilation 1 with top/left padding (pt, pl), by
 * F(2×2, 3×3) (`tile` 2, U = `winogradFilter(w)`) or F(4×4, 3×3) (`tile` 4, U = `winogradFilter4(w)`). Scratch from
 * the caller: `grid` Hg·Wg·Ci floats (Hg = tile·⌈Ho/tile⌉ + 2, likewise Wg), `vPtr` P·(T·Ci + PLANE_PAD) and `mPtr`
 * P·(T·Co + PLANE_PAD) floats (P = (tile + 2)² planes, T = ⌈Ho/tile⌉·⌈Wo/tile⌉ tiles of one image).
 */
export function winogradConv3x3(
  xPtr: usize, uPtr: usize, yPtr: usize, bias: usize, grid: usize, vPtr: usize, mPtr: usize,
  batch: i32, H: i32, W: i32, Ci: i32, Ho: i32, Wo: i32, Co: i32, pt: i32, pl: i32, hasBias: bool, activation: i32, tile: i32,
): void {
  const TH = (Ho + tile - 1) / tile;
  const TW = (Wo + tile - 1) / tile;
  const Hg = tile * TH + 2;
  const Wg = tile * TW + 2;
  const out = (<usize>(Ho * Wo * Co)) << 2;
  memory.fill(grid, 0, (<usize>(Hg * Wg * Ci)) << 2);
  for (let n = 0; n < batch; n++) {
    intoGrid(xPtr + (<usize>n) * H * W * ((<usize>Ci) << 2), grid, H, W, Ci, Hg, Wg, pt, pl);
    if (tile == 4) inputTransform4(grid, vPtr, TH, TW, Wg, Ci, planeBytes(TH * TW, Ci));
    else inputTransform(grid, vPtr, TH, TW, Wg, Ci, planeBytes(TH * TW, Ci));
    products(vPtr, uPtr, mPtr, TH * TW, Ci, Co, (tile + 2) * (tile + 2));
    if (tile == 4) outputTransform4(mPtr, yPtr + (<usize>n) * out, bias, TH, TW, Ho, Wo, Co, hasBias, activation);
    else outputTransform(mPtr, yPtr + (<usize>n) * out, bias, TH, TW, Ho, Wo, Co, hasBias, activation);
  }
}
