// 3×3 stride-1 convolutions by Winograd's F(4×4, 3×3) (Lavin & Gray 2015, interpolation points 0, ±1, ±2): each 4×4
// block of outputs of a channel pair costs 36 multiplications instead of 144 — 2.25 per output where F(2×2, 3×3)
// (winograd.ts) needs 4 — in 36 independent products over input channels:
//   Bᵀ = [4 0 −5 0 1 0; 0 −4 −4 1 1 0; 0 4 −4 −1 1 0; 0 −2 −1 2 1 0; 0 2 −1 −2 1 0; 0 4 0 −5 0 1]
//   G = [¼ 0 0; −⅙ −⅙ −⅙; −⅙ ⅙ −⅙; 1/24 1/12 ⅙; 1/24 −1/12 ⅙; 0 0 1],  Aᵀ = [1 1 1 1 1 0; 0 1 −1 2 −2 0; 0 1 1 4 4 0; 0 1 −1 8 −8 1]
// Its coefficients are not all exact in binary, so results differ from a direct sum by a few float32 roundings more
// (about 1e-5 of the output range, where F(2×2, 3×3) stays near 1e-6). The filter, input and output transforms;
// `winogradConv3x3` (winograd.ts) runs them with 36 planes and tiles of 4×4 outputs (6×6 inputs at stride 4).

// @ts-nocheck: AssemblyScript types (usize, f32, v128) and builtins, not TypeScript.

import { finish } from './tiles';
import { planeBytes } from './winograd-core';

/** Stores the 6 values of G·(a, b, c) (one row of (G g) Gᵀ) at u, u + plane, …, u + 5·plane. */
// @ts-ignore: decorator
@inline
function filterColumn6(u: usize, plane: usize, a: v128, b: v128, c: v128): void {
  const quarter = f32x4.splat(0.25);
  const sixth = f32x4.splat(1.0 / 6.0);
  const half = f32x4.splat(0.5);
  const a4 = f32x4.mul(a, quarter);
  const s = f32x4.add(a, c);
  const w = f32x4.add(a4, c);
  const b2 = f32x4.mul(b, half);
  v128.store(u, a4);
  v128.store(u + plane, f32x4.neg(f32x4.mul(f32x4.add(s, b), sixth)));
  v128.store(u + 2 * plane, f32x4.neg(f32x4.mul(f32x4.sub(s, b), sixth)));
  v128.store(u + 3 * plane, f32x4.mul(f32x4.add(w, b2), sixth));
  v128.store(u + 4 * plane, f32x4.mul(f32x4.sub(w, b2), sixth));
  v128.store(u + 5 * plane, c);
}

/** U = G g Gᵀ (6×6) for every (ci, co) of a [3, 3, Ci, Co] filter, as U[ξ][co / 8][ci][co % 8] with 36 planes. */
export function winogradFilter4(wPtr: usize, uPtr: usize, Ci: i32, Co: i32): void {
  const quarter = f32x4.splat(0.25);
  const sixth = f32x4.splat(1.0 / 6.0);
  const half = f32x4.splat(0.5);
  const tap = (<usize>(Ci * Co)) << 2;
  const plane = (<usize>(Ci * Co)) << 2;
  for (let co = 0; co < Co; co += 4) {
    let g = wPtr + ((<usize>co) << 2);
    let u = uPtr + ((<usize>((co >> 3) * Ci * 8 + (co & 7))) << 2);
    for (let ci = 0; ci < Ci; ci++) {
      // Row r of G·g (3 values, one per column kx), then G on those 3 values gives U's row r.
      const g00 = v128.load(g), g01 = v128.load(g + tap), g02 = v128.load(g + 2 * tap);
      const g10 = v128.load(g + 3 * tap), g11 = v128.load(g + 4 * tap), g12 = v128.load(g + 5 * tap);
      const g20 = v128.load(g + 6 * tap), g21 = v128.load(g + 7 * tap), g22 = v128.load(g + 8 * tap);
      // Row 0 of G·g: g0/4; rows 1, 2: −(g0 ± g1 + g2)/6; rows 3, 4: (g0/4 ± g1/2 + g2)/6; row 5: g2 (per column).
      const s0 = f32x4.add(g00, g20), s1 = f32x4.add(g01, g21), s2 = f32x4.add(g02, g22);
      const w0 = f32x4.add(f32x4.mul(g00, quarter), g20), w1 = f32x4.add(f32x4.mul(g01, quarter), g21);
      const w2 = f32x4.add(f32x4.mul(g02, quarter), g22);
      const h0 = f32x4.mul(g10, half), h1 = f32x4.mul(g11, half), h2 = f32x4.mul(g12, half);
      const row = plane * 6;
      filterColumn6(u, plane, f32x4.mul(g00, quarter), f32x4.mul(g01, quarter), f32x4.mul(g02, quarter));
      filterColumn6(u + row, plane, f32x4.neg(f32x4.mul(f32x4.add(s0, g10), sixth)), f32x4.neg(f32x4.mul(f32x4.add(s1, g11), sixth)), f32x4.neg(f32x4.mul(f32x4.add(s2, g12), sixth)));
      filterColumn6(u + 2 * row, plane, f32x4.neg(f32x4.mul(f32x4.sub(s0, g10), sixth)), f32x4.neg(f32x4.mul(f32x4.sub(s1, g11), sixth)), f32x4.neg(f32x4.mul(f32x4.sub(s2, g12), sixth)));
      filterColumn6(u + 3 * row, plane, f32x4.mul(f32x4.add(w0, h0), sixth), f32x4.mul(f32x4.add(w1, h1), sixth), f32x4.mul(f32x4.add(w2, h2), sixth));
      filterColumn6(u + 4 * row, plane, f32x4.mul(f32x4.sub(w0, h0), sixth), f32x4.mul(f32x4.sub(w1, h1), sixth), f32x4.mul(f32x4.sub(w2, h2), sixth));
      filterColumn6(u + 5 * row, plane, g20, g21, g22);
      g += (<usize>Co) << 2;
      u += 32;
    }
  }
}

/** Bᵀ on one row's 6 columns, stored at planes 6·row … 6·row + 5 of V. */
// @ts-ignore: decorator
@inline
function inputRow6(o: usize, plane: usize, row: i32, x0: v128, x1: v128, x2: v128, x3: v128, x4: v128, x5: v128): void {
  const four = f32x4.splat(4);
  const five = f32x4.splat(5);
  const two = f32x4.splat(2);
  const at = o + (<usize>(row * 6)) * plane;
  const a = f32x4.sub(x4, f32x4.mul(four, x2));
  const b = f32x4.sub(x3, f32x4.mul(four, x1));
  const c = f32x4.sub(x4, x2);
  const e = f32x4.mul(two, f32x4.sub(x3, x1));
  v128.store(at, f32x4.add(f32x4.sub(f32x4.mul(four, x0), f32x4.mul(five, x2)), x4));
  v128.store(at + plane, f32x4.add(a, b));
  v128.store(at + 2 * plane, f32x4.sub(a, b));
  v128.store(at + 3 * plane, f32x4.add(c, e));
  v128.store(at + 4 * plane, f32x4.sub(c, e));
  v128.store(at + 5 * plane, f32x4.add(f32x4.sub(f32x4.mul(four, x1), f32x4.mul(five, x3)), x5));
}

/**
 * One image's input transform: V[ξ][t][ci] = (Bᵀ d B)[ξ] of each tile's 6×6 patch d (tile origin (4·ty, 4·tx) of the
 * padded grid), 4 channels at a time, V's planes `plane` bytes apart. Bᵀ's rows are taken in the groups that share
 * inputs (0; 1 and 2; 3 and 4; 5).
 */
export function inputTransform4(grid: usize, vPtr: usize, TH: i32, TW: i32, Wg: i32, Ci: i32, plane: usize): void {
  const row = (<usize>(Wg * Ci)) << 2;
  const col = (<usize>Ci) << 2;
  const four = f32x4.splat(4);
  const five = f32x4.splat(5);
  const two = f32x4.splat(2);
  for (let ty = 0; ty < TH; ty++) {
    for (let tx = 0; tx < TW; tx++) {
      const origin = grid + (<usize>(4 * ty)) * row + (<usize>(4 * tx)) * col;
      const out = vPtr + ((<usize>((ty * TW + tx) * Ci)) << 2);
      for (let c: usize = 0; c < col; c += 16) {
        const p = origin + c;
        const o = out + c;
        // Row 0 of Bᵀ d: 4·d0 − 5·d2 + d4 (each a row of 6 columns).
        inputRow6(o, plane, 0,
          combine0(p, row, 0, four, five), combine0(p + col, row, 0, four, five), combine0(p + 2 * col, row, 0, four, five),
          combine0(p + 3 * col, row, 0, four, five), combine0(p + 4 * col, row, 0, four, five), combine0(p + 5 * col, row, 0, four, five));
        // Row 5: 4·d1 − 5·d3 + d5.
        inputRow6(o, plane, 5,
          combine0(p, row, 1, four, five), combine0(p + col, row, 1, four, five), combine0(p + 2 * col, row, 1, four, five),
          combine0(p + 3 * col, row, 1, four, five), combine0(p + 4 * col, row, 1, four, five), combine0(p + 5 * col, row, 1, four, five));
        // Rows 1 and 2: (d4 − 4·d2) ± (d3 − 4·d1); rows 3 and 4: (d4 − d2) ± 2·(d3 − d1).
        middleRows(o, plane, p, row, col, four, two);
      }
    }
  }
}

/** 4·d[k] − 5·d[k + 2] + d[k + 4] of one column (k = 0 for Bᵀ's row 0, 1 for its row 5). */
// @ts-ignore: decorator
@inline
function combine0(p: usize, row: usize, k: i32, four: v128, five: v128): v128 {
  const at = p + (<usize>k) * row;
  return f32x4.add(f32x4.sub(f32x4.mul(four, v128.load(at)), f32x4.mul(five, v128.load(at + 2 * row))), v128.load(at + 4 * row));
}

/** Bᵀ's rows 1–4 of one tile: per column, d1…d4 loaded once for the four rows. */
// @ts-ignore: decorator
@inline
function middleRows(o: usize, plane: usize, p: usize, row: usize, col: usize, four: v128, two: v128): void {
  // Rows 1 and 2 (a ± b), then rows 3 and 4 (c ± e), each of 6 columns; columns loaded twice to keep registers few.
  const a0 = colA(p, row, four), b0 = colB(p, row, four);
  const a1 = colA(p + col, row, four), b1 = colB(p + col, row, four);
  const a2 = colA(p + 2 * col, row, four), b2 = colB(p + 2 * col, row, four);
  const a3 = colA(p + 3 * col, row, four), b3 = colB(p + 3 * col, row, four);
  const a4 = colA(p + 4 * col, row, four), b4 = colB(p + 4 * col, row, four);
  const a5 = colA(p + 5 * col, row, four), b5 = colB(p + 5 * col, row, four);
  inputRow6(o, plane, 1, f32x4.add(a0, b0), f32x4.add(a1, b1), f32x4.add(a2, b2), f32x4.add(a3, b3), f32x4.add(a4, b4), f32x4.add(a5, b5));
  inputRow6(o, plane, 2, f32x4.sub(a0, b0), f32x4.sub(a1, b1), f32x4.sub(a2, b2), f32x4.sub(a3, b3), f32x4.sub(a4, b4), f32x4.sub(a5, b5));
  const c0 = colC(p, row), e0 = colE(p, row, two);
  const c1 = colC(p + col, row), e1 = colE(p + col, row, two);
  const c2 = colC(p + 2 * col, row), e2 = colE(p + 2 * col, row, two);
  const c3 = colC(p + 3 * col, row), e3 = colE(p + 3 * col, row, two);
  const c4 = colC(p + 4 * col, row), e4 = colE(p + 4 * col, row, two);
  const c5 = colC(p + 5 * col, row), e5 = colE(p + 5 * col, row, two);
  inputRow6(o, plane, 3, f32x4.add(c0, e0), f32x4.add(c1, e1), f32x4.add(c2, e2), f32x4.add(c3, e3), f32x4.add(c4, e4), f32x4.add(c5, e5));
  inputRow6(o, plane, 4, f32x4.sub(c0, e0), f32x4.sub(c1, e1), f32x4.sub(c2, e2), f32x4.sub(c3, e3), f32x4.sub(c4, e4), f32x4.sub(c5, e5));
}

// @ts-ignore: decorator
@inline
function colA(p: usize, row: usize, four: v128): v128 {
  return f32x4.sub(v128.load(p + 4 * row), f32x4.mul(four, v128.load(p + 2 * row)));
}
// @ts-ignore: decorator
@inline
function colB(p: usize, row: usize, four: v128): v128 {
  return f32x4.sub(v128.load(p + 3 * row), f32x4.mul(four, v128.load(p + row)));
}
// @ts-ignore: decorator
@inline
function colC(p: usize, row: usize): v128 {
  return f32x4.sub(v128.load(p + 4 * row), v128.load(p + 2 * row));
}
// @ts-ignore: decorator
@inline
function colE(p: usize, row: usize, two: v128): v128 {
  return f32x4.mul(two, f32x4.sub(v128.load(p + 3 * row), v128.load(p + row)));
}

/** y[r][0…3] = act(Aᵀ·(s0 … s5) + bias) of one output row, the columns inside the image only. */
// @ts-ignore: decorator
@inline
function outputRow(y: usize, col: usize, cols: i32, s0: v128, s1: v128, s2: v128, s3: v128, s4: v128, s5: v128, b: v128, activation: i32): void {
  const zero = f32x4.splat(0);
  const six = f32x4.splat(6);
  const p = f32x4.add(s1, s2), q = f32x4.sub(s1, s2), r = f32x4.add(s3, s4), t = f32x4.sub(s3, s4);
  v128.store(y, finish(f32x4.add(f32x4.add(s0, p), r), b, activation, zero, six));
  if (cols > 1) v128.store(y + col, finish(f32x4.add(q, f32x4.add(t, t)), b, activation, zero, six));
  if (cols > 2) v128.store(y + 2 * col, finish(f32x4.add(p, f32x4.mul(f32x4.splat(4), r)), b, activation, zero, six));
  if (cols > 3) v128.store(y + 3 * col, finish(f32x4.add(f32x4.add(q, f32x4.mul(f32x4.splat(8), t)), s5), b, activation, zero, six));
}

/**
 * One image's output transform and epilogue: y[4·ty + r, 4·tx + c, co] = act((Aᵀ M A)[r][c] + bias[co]) inside
 * Ho × Wo. Aᵀ's rows in the pairs that share sums: 0 and 2 (M1 + M2, M3 + M4), 1 and 3 (M1 − M2, M3 − M4).
 */
export function outputTransform4(mPtr: usize, yPtr: usize, bias: usize, TH: i32, TW: i32, Ho: i32, Wo: i32, Co: i32, hasBias: bool, activation: i32): void {
  const T = TH * TW;
  const plane = planeBytes(T, Co);
  const col = (<usize>Co) << 2;
  const row = (<usize>Wo) * col;
  const four = f32x4.splat(4);
  const eight = f32x4.splat(8);
  for (let ty = 0; ty < TH; ty++) {
    const rows = min(4, Ho - 4 * ty);
    for (let tx = 0; tx < TW; tx++) {
      const cols = min(4, Wo - 4 * tx);
      const m = mPtr + ((<usize>((ty * TW + tx) * Co)) << 2);
      const y = yPtr + (<usize>(4 * ty)) * row + (<usize>(4 * tx)) * col;
      for (let c: usize = 0; c < col; c += 16) {
        const p = m + c;
        const b = hasBias ? v128.load(bias + c) : f32x4.splat(0);
        const e0 = evenColumn(p, plane, 0, four), e1 = evenColumn(p, plane, 1, four), e2 = evenColumn(p, plane, 2, four);
        const e3 = evenColumn(p, plane, 3, four), e4 = evenColumn(p, plane, 4, four), e5 = evenColumn(p, plane, 5, four);
        outputRow(y + c, col, cols, sum0(p, plane, 0), sum0(p, plane, 1), sum0(p, plane, 2), sum0(p, plane, 3), sum0(p, plane, 4), sum0(p, plane, 5), b, activation);
        if (rows > 2) outputRow(y + c + 2 * row, col, cols, e0, e1, e2, e3, e4, e5, b, activation);
        if (rows > 1) {
          outputRow(y + c + row, col, cols, oddColumn(p, plane, 0, 2), oddColumn(p, plane, 1, 2), oddColumn(p, plane, 2, 2),
            oddColumn(p, plane, 3, 2), oddColumn(p, plane, 4, 2), oddColumn(p, plane, 5, 2), b, activation);
        }
        if (rows > 3) {
          outputRow(y + c + 3 * row, col, cols, oddLast(p, plane, 0, eight), oddLast(p, plane, 1, eight), oddLast(p, plane, 2, eight),
            oddLast(p, plane, 3, eight), oddLast(p, plane, 4, eight), oddLast(p, plane, 5, eight), b, activation);
        }
      }
    }
  }
}

/** Row 0 of Aᵀ M at column j: M0j + M1j + M2j + M3j + M4j. */
// @ts-ignore: decorator
@inline
function sum0(p: usize, plane: usize, j: i32): v128 {
  const at = p + (<usize>j) * plane;
  return f32x4.add(f32x4.add(f32x4.add(v128.load(at), v128.load(at + 6 * plane)), f32x4.add(v128.load(at + 12 * plane), v128.load(at + 18 * plane))), v128.load(at + 24 * plane));
}

/** Row 2 of Aᵀ M at column j: (M1j + M2j) + 4·(M3j + M4j). */
// @ts-ignore: decorator
@inline
function evenColumn(p: usize, plane: usize, j: i32, four: v128): v128 {
  const at = p + (<usize>j) * plane;
  return f32x4.add(f32x4.add(v128.load(at + 6 * plane), v128.load(at + 12 * plane)), f32x4.mul(four, f32x4.add(v128.load(at + 18 * plane), v128.load(at + 24 * plane))));
}

/** Row 1 of Aᵀ M at column j: (M1j − M2j) + k·(M3j − M4j) with k = 2. */
// @ts-ignore: decorator
@inline
function oddColumn(p: usize, plane: usize, j: i32, k: f32): v128 {
  const at = p + (<usize>j) * plane;
  return f32x4.add(f32x4.sub(v128.load(at + 6 * plane), v128.load(at + 12 * plane)), f32x4.mul(f32x4.splat(k), f32x4.sub(v128.load(at + 18 * plane), v128.load(at + 24 * plane))));
}

/** Row 3 of Aᵀ M at column j: (M1j − M2j) + 8·(M3j − M4j) + M5j. */
// @ts-ignore: decorator
@inline
function oddLast(p: usize, plane: usize, j: i32, eight: v128): v128 {
  const at = p + (<usize>j) * plane;
  const odd = f32x4.add(f32x4.sub(v128.load(at + 6 * plane), v128.load(at + 12 * plane)), f32x4.mul(eight, f32x4.sub(v128.load(at + 18 * plane), v128.load(at + 24 * plane))));
  return f32x4.add(odd, v128.load(at + 30 * plane));
}
