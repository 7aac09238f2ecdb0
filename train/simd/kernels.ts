// Stride's wasm-SIMD training kernels, written in AssemblyScript (compiled by scripts/build-simd.js).
//
// The module imports the tfjs wasm backend's own memory, so every argument named `*Ptr` is a byte offset of a
// tensor already on that heap: no copies in or out. It has no runtime, no static data and never allocates;
// scratch space, when a kernel needs it, is a tensor the caller allocated on the backend.
// All tensors are float32, channels last (NHWC).

// @ts-nocheck: AssemblyScript types (usize, f32, v128) and builtins, not TypeScript.

import { finish, storeTile4x8, tile4x8 } from './tiles';

/**
 * MaxPoolGrad: dx[n, the first maximum of each window] += dy[n, window] (row-major tap order, strict `>`
 * from −∞, padding excluded), as the tfjs cpu backend does. Four channels at a time: lanes track their
 * own maximum and its offset. dx is zeroed here.
 */
export function maxPoolGrad(
  xPtr: usize, dyPtr: usize, dxPtr: usize,
  batch: i32, H: i32, W: i32, C: i32, Ho: i32, Wo: i32,
  KH: i32, KW: i32, sh: i32, sw: i32, dh: i32, dw: i32, pt: i32, pl: i32,
): void {
  memory.fill(dxPtr, 0, <usize>batch * H * W * C * 4);
  if (sh >= KH && sw >= KW && dh == 1 && dw == 1 && (C & 3) == 0) {
    maxPoolGradDisjoint(xPtr, dyPtr, dxPtr, batch, H, W, C, Ho, Wo, KH, KW, sh, sw, pt, pl);
    return;
  }
  const C4 = C & ~3;
  const minusInf = f32x4.splat(-Infinity);
  const none = i32x4.splat(-1);
  let dyAt: usize = dyPtr;
  for (let n = 0; n < batch; n++) {
    const image = <usize>n * H * W * C;
    for (let oy = 0; oy < Ho; oy++) {
      for (let ox = 0; ox < Wo; ox++) {
        let ch = 0;
        for (; ch < C4; ch += 4) {
          let best = minusInf;
          let at = none;
          for (let ky = 0; ky < KH; ky++) {
            const iy = oy * sh - pt + ky * dh;
            if (iy < 0 || iy >= H) continue;
            for (let kx = 0; kx < KW; kx++) {
              const ix = ox * sw - pl + kx * dw;
              if (ix < 0 || ix >= W) continue;
              const offset = <i32>(image + (<usize>(iy * W + ix)) * C + ch);
              const v = v128.load(xPtr + (<usize>offset << 2));
              const greater = f32x4.gt(v, best);
              best = v128.bitselect(v, best, greater);
              at = v128.bitselect(i32x4.add(i32x4.splat(offset), i32x4(0, 1, 2, 3)), at, greater);
            }
          }
          const g = v128.load(dyAt + (<usize>ch << 2));
          addAt(dxPtr, i32x4.extract_lane(at, 0), f32x4.extract_lane(g, 0));
          addAt(dxPtr, i32x4.extract_lane(at, 1), f32x4.extract_lane(g, 1));
          addAt(dxPtr, i32x4.extract_lane(at, 2), f32x4.extract_lane(g, 2));
          addAt(dxPtr, i32x4.extract_lane(at, 3), f32x4.extract_lane(g, 3));
        }
        for (; ch < C; ch++) {
          let best: f32 = -Infinity;
          let at: i32 = -1;
          for (let ky = 0; ky < KH; ky++) {
            const iy = oy * sh - pt + ky * dh;
            if (iy < 0 || iy >= H) continue;
            for (let kx = 0; kx < KW; kx++) {
              const ix = ox * sw - pl + kx * dw;
              if (ix < 0 || ix >= W) continue;
              const offset = <i32>(image + (<usize>(iy * W + ix)) * C + ch);
              const v = load<f32>(xPtr + (<usize>offset << 2));
              if (v > best) {
                best = v;
                at = offset;
              }
            }
          }
          addAt(dxPtr, at, load<f32>(dyAt + (<usize>ch << 2)));
        }
        dyAt += <usize>C << 2;
      }
    }
  }
}

/**
 * Windows that do not overlap (stride ≥ window, the usual 2×2/2) own their inputs: each window's gradient is
 * written to its first maximum with a vector select per tap, no scattered adds. C is a multiple of 4.
 */
function maxPoolGradDisjoint(
  xPtr: usize, dyPtr: usize, dxPtr: usize,
  batch: i32, H: i32, W: i32, C: i32, Ho: i32, Wo: i32, KH: i32, KW: i32, sh: i32, sw: i32, pt: i32, pl: i32,
): void {
  const zero = f32x4.splat(0);
  const minusInf = f32x4.splat(-Infinity);
  let dyAt: usize = dyPtr;
  for (let n = 0; n < batch; n++) {
    const image = (<usize>n) * H * W * C;
    for (let oy = 0; oy < Ho; oy++) {
      const y0 = max(oy * sh - pt, 0);
      const y1 = min(oy * sh - pt + KH, H);
      for (let ox = 0; ox < Wo; ox++) {
        const x0 = max(ox * sw - pl, 0);
        const x1 = min(ox * sw - pl + KW, W);
        if (y1 - y0 == 2 && x1 - x0 == 2) {
          // A whole 2×2 window: four taps at fixed offsets, selected without loops.
          const p00 = xPtr + ((image + (<usize>(y0 * W + x0)) * C) << 2);
          const p10 = p00 + ((<usize>(W * C)) << 2);
          const right = (<usize>C) << 2;
          const d00 = dxPtr + (p00 - xPtr);
          const d10 = dxPtr + (p10 - xPtr);
          for (let ch = 0; ch < C; ch += 4) {
            const o = <usize>ch << 2;
            const v0 = v128.load(p00 + o);
            const v1 = v128.load(p00 + right + o);
            const v2 = v128.load(p10 + o);
            const v3 = v128.load(p10 + right + o);
            // First maximum in row-major order from −∞ (as the general path): a later tap wins only when strictly
            // greater, and NaN never wins.
            const m0 = f32x4.gt(v0, minusInf);
            const b0 = v128.bitselect(v0, minusInf, m0);
            const m1 = f32x4.gt(v1, b0);
            const b01 = v128.bitselect(v1, b0, m1);
            const m2 = f32x4.gt(v2, b01);
            const b012 = v128.bitselect(v2, b01, m2);
            const m3 = f32x4.gt(v3, b012);
            // Lane masks of the winner: 3 if m3, else 2 if m2, else 1 if m1, else 0.
            const w3 = m3;
            const w2 = v128.andnot(m2, m3);
            const w1 = v128.andnot(v128.andnot(m1, m2), m3);
            const w0 = v128.andnot(m0, v128.or(v128.or(m1, m2), m3));
            const g = v128.load(dyAt + o);
            v128.store(d00 + o, v128.and(g, w0));
            v128.store(d00 + right + o, v128.and(g, w1));
            v128.store(d10 + o, v128.and(g, w2));
            v128.store(d10 + right + o, v128.and(g, w3));
          }
          dyAt += <usize>C << 2;
          continue;
        }
        for (let ch = 0; ch < C; ch += 4) {
          let best = minusInf;
          let at = i32x4.splat(-1);
          let tap = 0;
          for (let iy = y0; iy < y1; iy++) {
            for (let ix = x0; ix < x1; ix++, tap++) {
              const v = v128.load(xPtr + ((image + (<usize>(iy * W + ix)) * C + ch) << 2));
              const greater = f32x4.gt(v, best);
              best = v128.bitselect(v, best, greater);
              at = v128.bitselect(i32x4.splat(tap), at, greater);
            }
          }
          const g = v128.load(dyAt + (<usize>ch << 2));
          tap = 0;
          for (let iy = y0; iy < y1; iy++) {
            for (let ix = x0; ix < x1; ix++, tap++) {
              v128.store(dxPtr + ((image + (<usize>(iy * W + ix)) * C + ch) << 2), v128.bitselect(g, zero, i32x4.eq(at, i32x4.splat(tap))));
            }
          }
        }
        dyAt += <usize>C << 2;
      }
    }
  }
}

// @ts-ignore: decorator
@inline
function addAt(base: usize, index: i32, value: f32): void {
  if (index < 0) return;
  const p = base + (<usize>index << 2);
  store<f32>(p, load<f32>(p) + value);
}

/**
 * Copies one image (H rows of `rowBytes`) into the interior of the zero-bordered grid at padPtr (Wp columns, the
 * borders zeroed once by the caller); returns the grid.
 */
// @ts-ignore: decorator
@inline
function padImage(image: usize, padPtr: usize, H: i32, Wp: i32, Ci: i32, pt: i32, pl: i32, rowBytes: usize): usize {
  for (let iy = 0; iy < H; iy++) {
    memory.copy(padPtr + ((<usize>(((iy + pt) * Wp + pl) * Ci)) << 2), image + (<usize>iy) * rowBytes, rowBytes);
  }
  return padPtr;
}

/**
 * Conv2DBackpropFilter, directly (no im2col): dW[ky, kx, ci, co] = Σ over (n, oy, ox) of
 * xp[n, oy·sh + ky·dh, ox·sw + kx·dw, ci] · dy[n, oy, ox, co], where xp is x zero-padded by (pt, pl) on top and
 * left (and enough at the bottom and right). Each image is padded into `padPtr` (Hp·Wp·Ci floats, borders
 * zeroed here) unless there is no padding, so the loops need no bounds checks.
 *
 * Blocking: image by image and `rowsPerBlock` output rows at a time, so the rows of x and dy a block reads stay in
 * cache while every (tap, channel tile) sweeps them; dW (zeroed here) accumulates across blocks. Register tiles are
 * 4 "columns" × 8 output channels (8 accumulators), 4 × 4, or 1 × 4. A column is an input channel of one tap — or,
 * when dw = 1, any of the KW·Ci contiguous values (kx, ci) of a patch row, which keeps tiles full for
 * few input channels. Co must be a multiple of 4 (the caller checks).
 */
export function convFilterGrad(
  xPtr: usize, dyPtr: usize, dwPtr: usize, padPtr: usize,
  batch: i32, H: i32, W: i32, Ci: i32, Ho: i32, Wo: i32, Co: i32,
  KH: i32, KW: i32, sh: i32, sw: i32, dh: i32, dw: i32, pt: i32, pl: i32, Hp: i32, Wp: i32, rowsPerBlock: i32,
): void {
  memory.fill(dwPtr, 0, (<usize>(KH * KW * Ci * Co)) << 2);
  const padded = Hp != H || Wp != W;
  if (padded) memory.fill(padPtr, 0, (<usize>(Hp * Wp * Ci)) << 2);
  // A patch row's (kx, ci) values are contiguous when the window has no holes, whatever its stride.
  const merged = dw == 1;
  const groups = merged ? 1 : KW;
  const columns = merged ? KW * Ci : Ci;
  const rowBytes = (<usize>(W * Ci)) << 2;
  for (let n = 0; n < batch; n++) {
    const source = xPtr + (<usize>n) * H * rowBytes;
    const image = padded ? padImage(source, padPtr, H, Wp, Ci, pt, pl, rowBytes) : source;
    for (let oy0 = 0; oy0 < Ho; oy0 += rowsPerBlock) {
      const oy1 = min(oy0 + rowsPerBlock, Ho);
      for (let ky = 0; ky < KH; ky++) {
        for (let g = 0; g < groups; g++) {
          const xBase = image + ((<usize>((oy0 * sh + ky * dh) * Wp * Ci + g * dw * Ci)) << 2);
          const gBase = dyPtr + ((<usize>((n * Ho + oy0) * Wo * Co)) << 2);
          const out = dwPtr + ((<usize>((ky * KW + g) * Ci * Co)) << 2);
          let j = 0;
          for (; j + 4 <= columns; j += 4) {
            let co = 0;
            for (; co + 8 <= Co; co += 8) tile4x8(xBase + (<usize>j << 2), gBase + (<usize>co << 2), out + ((<usize>(j * Co + co)) << 2), oy1 - oy0, Wo, Co, sh, sw, Wp, Ci);
            for (; co < Co; co += 4) tileNx4(4, xBase + (<usize>j << 2), gBase + (<usize>co << 2), out + ((<usize>(j * Co + co)) << 2), oy1 - oy0, Wo, Co, sh, sw, Wp, Ci);
          }
          for (; j < columns; j++) {
            for (let co = 0; co < Co; co += 4) tileNx4(1, xBase + (<usize>j << 2), gBase + (<usize>co << 2), out + ((<usize>(j * Co + co)) << 2), oy1 - oy0, Wo, Co, sh, sw, Wp, Ci);
          }
        }
      }
    }
  }
}

/** `columns` (1 or 4) × 4 output channels. */
// @ts-ignore: decorator
@inline
function tileNx4(columns: i32, xp0: usize, gp0: usize, out: usize, rows: i32, Wo: i32, Co: i32, sh: i32, sw: i32, Wp: i32, Ci: i32): void {
  const row = (<usize>Co) << 2;
  const xStep = (<usize>(sw * Ci)) << 2;
  const xRow = (<usize>(sh * Wp * Ci)) << 2;
  const gRow = (<usize>(Wo * Co)) << 2;
  if (columns == 4) {
    let a0 = v128.load(out), a1 = v128.load(out + row), a2 = v128.load(out + 2 * row), a3 = v128.load(out + 3 * row);
    for (let r = 0; r < rows; r++) {
      let xp = xp0 + (<usize>r) * xRow;
      let gp = gp0 + (<usize>r) * gRow;
      for (let ox = 0; ox < Wo; ox++) {
        const g = v128.load(gp);
        a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(xp), g));
        a1 = f32x4.add(a1, f32x4.mul(v128.load32_splat(xp, 4), g));
        a2 = f32x4.add(a2, f32x4.mul(v128.load32_splat(xp, 8), g));
        a3 = f32x4.add(a3, f32x4.mul(v128.load32_splat(xp, 12), g));
        xp += xStep;
        gp += row;
      }
    }
    v128.store(out, a0);
    v128.store(out + row, a1);
    v128.store(out + 2 * row, a2);
    v128.store(out + 3 * row, a3);
  } else {
    let a0 = v128.load(out);
    for (let r = 0; r < rows; r++) {
      let xp = xp0 + (<usize>r) * xRow;
      let gp = gp0 + (<usize>r) * gRow;
      for (let ox = 0; ox < Wo; ox++) {
        a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(xp), v128.load(gp)));
        xp += xStep;
        gp += row;
      }
    }
    v128.store(out, a0);
  }
}

/**
 * One Adam step over n values, in the exact float32 operation order of tfjs's AdamOptimizer, so results are
 * bitwise those of the unfused ops: m' = m·β1 + g·(1−β1); v' = v·β2 + g²·(1−β2);
 * w' = ((m' / (1−β1ᵗ)) / (√(v' / (1−β2ᵗ)) + ε))·(−lr) + w. Writes w', m', v' to their own outputs.
 */
export function adam(
  wPtr: usize, mPtr: usize, vPtr: usize, gPtr: usize, wOut: usize, mOut: usize, vOut: usize, n: i32,
  beta1: f32, oneMinusBeta1: f32, beta2: f32, oneMinusBeta2: f32, oneMinusAccBeta1: f32, oneMinusAccBeta2: f32, epsilon: f32, minusLr: f32,
): void {
  const b1 = f32x4.splat(beta1), c1 = f32x4.splat(oneMinusBeta1);
  const b2 = f32x4.splat(beta2), c2 = f32x4.splat(oneMinusBeta2);
  const d1 = f32x4.splat(oneMinusAccBeta1), d2 = f32x4.splat(oneMinusAccBeta2);
  const eps = f32x4.splat(epsilon), step = f32x4.splat(minusLr);
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const at = <usize>i << 2;
    const g = v128.load(gPtr + at);
    const m = f32x4.add(f32x4.mul(v128.load(mPtr + at), b1), f32x4.mul(g, c1));
    const v = f32x4.add(f32x4.mul(v128.load(vPtr + at), b2), f32x4.mul(f32x4.mul(g, g), c2));
    const update = f32x4.div(f32x4.div(m, d1), f32x4.add(f32x4.sqrt(f32x4.div(v, d2)), eps));
    v128.store(wOut + at, f32x4.add(f32x4.mul(update, step), v128.load(wPtr + at)));
    v128.store(mOut + at, m);
    v128.store(vOut + at, v);
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    const g = load<f32>(gPtr + at);
    const m = load<f32>(mPtr + at) * beta1 + g * oneMinusBeta1;
    const v = load<f32>(vPtr + at) * beta2 + g * g * oneMinusBeta2;
    const update = (m / oneMinusAccBeta1) / (Mathf.sqrt(v / oneMinusAccBeta2) + epsilon);
    store<f32>(wOut + at, update * minusLr + load<f32>(wPtr + at));
    store<f32>(mOut + at, m);
    store<f32>(vOut + at, v);
  }
}

/**
 * Per-channel sums of x[rows, C] (bias and batch-norm gradients), times `scale` (1 for Sum, 1/rows for Mean).
 * Accumulates in float64, as the cpu backend does, eight channels at a time in registers.
 */
export function channelSums(xPtr: usize, outPtr: usize, rows: i32, C: i32, scale: f64): void {
  const rowBytes = (<usize>C) << 2;
  let ch = 0;
  for (; ch + 8 <= C; ch += 8) {
    let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
    let p = xPtr + (<usize>ch << 2);
    for (let r = 0; r < rows; r++) {
      const a = v128.load(p);
      const b = v128.load(p, 16);
      s0 = f64x2.add(s0, f64x2.promote_low_f32x4(a));
      s1 = f64x2.add(s1, f64x2.promote_low_f32x4(v128.shuffle<i32>(a, a, 2, 3, 0, 1)));
      s2 = f64x2.add(s2, f64x2.promote_low_f32x4(b));
      s3 = f64x2.add(s3, f64x2.promote_low_f32x4(v128.shuffle<i32>(b, b, 2, 3, 0, 1)));
      p += rowBytes;
    }
    const k = f64x2.splat(scale);
    const out = outPtr + (<usize>ch << 2);
    v128.store64_lane(out, f32x4.demote_f64x2_zero(f64x2.mul(s0, k)), 0);
    v128.store64_lane(out, f32x4.demote_f64x2_zero(f64x2.mul(s1, k)), 0, 8);
    v128.store64_lane(out, f32x4.demote_f64x2_zero(f64x2.mul(s2, k)), 0, 16);
    v128.store64_lane(out, f32x4.demote_f64x2_zero(f64x2.mul(s3, k)), 0, 24);
  }
  for (; ch < C; ch++) {
    let s: f64 = 0;
    let p = xPtr + (<usize>ch << 2);
    for (let r = 0; r < rows; r++) {
      s += <f64>load<f32>(p);
      p += rowBytes;
    }
    store<f32>(outPtr + (<usize>ch << 2), <f32>(s * scale));
  }
}

/**
 * out[r, c] = x[r, c] ∘ k[c] over `rows` rows of C values — a per-channel operand broadcast along the last axis, as in
 * bias additions and batch normalisation — for ∘ = add (0), subtract (1), multiply (2), divide (3); with `swap`,
 * out = k ∘ x. Float32 arithmetic, one IEEE operation per element, as the stock kernels.
 */
export function channelBinary(op: i32, xPtr: usize, kPtr: usize, outPtr: usize, rows: i32, C: i32, swap: bool): void {
  if (op == 0) channelLoop(0, xPtr, kPtr, outPtr, rows, C, false);
  else if (op == 2) channelLoop(2, xPtr, kPtr, outPtr, rows, C, false);
  else if (op == 1) {
    if (swap) channelLoop(1, xPtr, kPtr, outPtr, rows, C, true);
    else channelLoop(1, xPtr, kPtr, outPtr, rows, C, false);
  } else {
    if (swap) channelLoop(3, xPtr, kPtr, outPtr, rows, C, true);
    else channelLoop(3, xPtr, kPtr, outPtr, rows, C, false);
  }
}

/** The loop of channelBinary for one operation, inlined with `op` and `swap` constant so each copy has no branches inside. */
// @ts-ignore: decorator
@inline
function channelLoop(op: i32, xPtr: usize, kPtr: usize, outPtr: usize, rows: i32, C: i32, swap: bool): void {
  const C4 = C & ~3;
  let x = xPtr, out = outPtr;
  const rowBytes = (<usize>C) << 2;
  for (let r = 0; r < rows; r++) {
    let c = 0;
    for (; c < C4; c += 4) {
      const at = <usize>c << 2;
      const a = swap ? v128.load(kPtr + at) : v128.load(x + at);
      const b = swap ? v128.load(x + at) : v128.load(kPtr + at);
      v128.store(out + at, op == 0 ? f32x4.add(a, b) : op == 1 ? f32x4.sub(a, b) : op == 2 ? f32x4.mul(a, b) : f32x4.div(a, b));
    }
    for (; c < C; c++) {
      const at = <usize>c << 2;
      const a = swap ? load<f32>(kPtr + at) : load<f32>(x + at);
      const b = swap ? load<f32>(x + at) : load<f32>(kPtr + at);
      store<f32>(out + at, op == 0 ? a + b : op == 1 ? a - b : op == 2 ? a * b : a / b);
    }
    x += rowBytes;
    out += rowBytes;
  }
}

/**
 * Conv2D, directly: out[n, oy, ox, co] = Σ over (ky, kx, ci) of xp[n, oy·sh + ky·dh, ox·sw + kx·dw, ci] ·
 * w[ky, kx, ci, co], with xp zero-padded as in convFilterGrad (padPtr: Hp·Wp·Ci floats, unused without padding).
 * Register tiles of 4 output positions × 8 output channels, then 4 × 4, and single positions at the end of a
 * row; the reduction runs over the (kx, ci) values of each patch row, contiguous when dw = 1 (whatever the stride).
 * Each tile is stored as act(sum + bias) (`finish`; activation codes as `biasActivation`'s, bias read only with
 * hasBias). Co must be a multiple of 4 (the caller checks).
 */
export function conv2d(
  xPtr: usize, wPtr: usize, outPtr: usize, padPtr: usize,
  batch: i32, H: i32, W: i32, Ci: i32, Ho: i32, Wo: i32, Co: i32,
  KH: i32, KW: i32, sh: i32, sw: i32, dh: i32, dw: i32, pt: i32, pl: i32, Hp: i32, Wp: i32,
  bias: usize, hasBias: bool, activation: i32,
): void {
  const zero = f32x4.splat(0);
  const six = f32x4.splat(6);
  const padded = Hp != H || Wp != W;
  if (padded) memory.fill(padPtr, 0, (<usize>(Hp * Wp * Ci)) << 2);
  const merged = dw == 1;
  const groups = merged ? 1 : KW;
  const columns = merged ? KW * Ci : Ci;
  const rowBytes = (<usize>(W * Ci)) << 2;
  const xStep = (<usize>(sw * Ci)) << 2;
  const wRow = (<usize>Co) << 2;
  for (let n = 0; n < batch; n++) {
    const source = xPtr + (<usize>n) * H * rowBytes;
    const image = padded ? padImage(source, padPtr, H, Wp, Ci, pt, pl, rowBytes) : source;
    for (let oy = 0; oy < Ho; oy++) {
      const outRow = outPtr + ((<usize>((n * Ho + oy) * Wo * Co)) << 2);
      let ox = 0;
      for (; ox + 4 <= Wo; ox += 4) {
        const out = outRow + ((<usize>(ox * Co)) << 2);
        let co = 0;
        for (; co + 8 <= Co; co += 8) {
          const b0 = hasBias ? v128.load(bias + (<usize>co << 2)) : zero;
          const b1 = hasBias ? v128.load(bias + (<usize>co << 2), 16) : zero;
          let a00 = f32x4.splat(0), a01 = f32x4.splat(0), a10 = f32x4.splat(0), a11 = f32x4.splat(0);
          let a20 = f32x4.splat(0), a21 = f32x4.splat(0), a30 = f32x4.splat(0), a31 = f32x4.splat(0);
          for (let ky = 0; ky < KH; ky++) {
            const xRow = image + ((<usize>((oy * sh + ky * dh) * Wp * Ci)) << 2) + (<usize>ox) * xStep;
            for (let g = 0; g < groups; g++) {
              let xp = xRow + ((<usize>(g * dw * Ci)) << 2);
              let wp = wPtr + ((<usize>(((ky * KW + g) * Ci) * Co + co)) << 2);
              for (let j = 0; j < columns; j++) {
                const w0 = v128.load(wp);
                const w1 = v128.load(wp, 16);
                const x0 = v128.load32_splat(xp);
                const x1 = v128.load32_splat(xp + xStep);
                const x2 = v128.load32_splat(xp + 2 * xStep);
                const x3 = v128.load32_splat(xp + 3 * xStep);
                a00 = f32x4.add(a00, f32x4.mul(x0, w0));
                a01 = f32x4.add(a01, f32x4.mul(x0, w1));
                a10 = f32x4.add(a10, f32x4.mul(x1, w0));
                a11 = f32x4.add(a11, f32x4.mul(x1, w1));
                a20 = f32x4.add(a20, f32x4.mul(x2, w0));
                a21 = f32x4.add(a21, f32x4.mul(x2, w1));
                a30 = f32x4.add(a30, f32x4.mul(x3, w0));
                a31 = f32x4.add(a31, f32x4.mul(x3, w1));
                xp += 4;
                wp += wRow;
              }
            }
          }
          const o = out + (<usize>co << 2);
          storeTile4x8(o, wRow, a00, a01, a10, a11, a20, a21, a30, a31, b0, b1, activation);
        }
        for (; co < Co; co += 4) {
          const b0 = hasBias ? v128.load(bias + (<usize>co << 2)) : zero;
          let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
          for (let ky = 0; ky < KH; ky++) {
            const xRow = image + ((<usize>((oy * sh + ky * dh) * Wp * Ci)) << 2) + (<usize>ox) * xStep;
            for (let g = 0; g < groups; g++) {
              let xp = xRow + ((<usize>(g * dw * Ci)) << 2);
              let wp = wPtr + ((<usize>(((ky * KW + g) * Ci) * Co + co)) << 2);
              for (let j = 0; j < columns; j++) {
                const w0 = v128.load(wp);
                a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(xp), w0));
                a1 = f32x4.add(a1, f32x4.mul(v128.load32_splat(xp + xStep), w0));
                a2 = f32x4.add(a2, f32x4.mul(v128.load32_splat(xp + 2 * xStep), w0));
                a3 = f32x4.add(a3, f32x4.mul(v128.load32_splat(xp + 3 * xStep), w0));
                xp += 4;
                wp += wRow;
              }
            }
          }
          const o = out + (<usize>co << 2);
          v128.store(o, finish(a0, b0, activation, zero, six));
          v128.store(o + wRow, finish(a1, b0, activation, zero, six));
          v128.store(o + 2 * wRow, finish(a2, b0, activation, zero, six));
          v128.store(o + 3 * wRow, finish(a3, b0, activation, zero, six));
        }
      }
      for (; ox < Wo; ox++) {
        const out = outRow + ((<usize>(ox * Co)) << 2);
        for (let co = 0; co < Co; co += 4) {
          const b0 = hasBias ? v128.load(bias + (<usize>co << 2)) : zero;
          let a0 = f32x4.splat(0);
          for (let ky = 0; ky < KH; ky++) {
            const xRow = image + ((<usize>((oy * sh + ky * dh) * Wp * Ci)) << 2) + (<usize>ox) * xStep;
            for (let g = 0; g < groups; g++) {
              let xp = xRow + ((<usize>(g * dw * Ci)) << 2);
              let wp = wPtr + ((<usize>(((ky * KW + g) * Ci) * Co + co)) << 2);
              for (let j = 0; j < columns; j++) {
                a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(xp), v128.load(wp)));
                xp += 4;
                wp += wRow;
              }
            }
          }
          v128.store(out + (<usize>co << 2), finish(a0, b0, activation, zero, six));
        }
      }
    }
  }
}

/**
 * Conv2D, weight-stationary: the same sums as conv2d, in the other loop order. For each block of 8 (then 4) output
 * channels, that block's K×8 slice of the filter (K = KH·KW·Ci, rows in the filter's own (ky, kx, ci) order) is
 * copied contiguous into `packPtr` (K·8 floats), then every output position of the image sweeps it in register
 * tiles of 4 positions × 8 channels, the 4 positions taken in row-major order across output rows. conv2d instead
 * streams the whole filter once per tile of positions, which is right when the filter stays in cache and the
 * positions are many (training batches), and slow for large filters over few positions (a 3×3×512×512 filter is
 * 9.4 MB, and batch-1 inference has 49 positions at 7×7): here the filter is read once per image, the slice being
 * swept stays in cache, and short output rows leave no single-position tails but the last few of the image.
 * Tiles are stored with the bias and activation applied, as in conv2d. Co must be a multiple of 4 (the caller checks).
 */
export function conv2dPacked(
  xPtr: usize, wPtr: usize, outPtr: usize, padPtr: usize, packPtr: usize,
  batch: i32, H: i32, W: i32, Ci: i32, Ho: i32, Wo: i32, Co: i32,
  KH: i32, KW: i32, sh: i32, sw: i32, dh: i32, dw: i32, pt: i32, pl: i32, Hp: i32, Wp: i32,
  bias: usize, hasBias: bool, activation: i32,
): void {
  const zero = f32x4.splat(0);
  const six = f32x4.splat(6);
  const padded = Hp != H || Wp != W;
  if (padded) memory.fill(padPtr, 0, (<usize>(Hp * Wp * Ci)) << 2);
  const merged = dw == 1;
  const groups = merged ? 1 : KW;
  const columns = merged ? KW * Ci : Ci;
  const K = KH * KW * Ci;
  const P = Ho * Wo;
  const rowBytes = (<usize>(W * Ci)) << 2;
  const wRow = (<usize>Co) << 2;
  const yRow = (<usize>Co) << 2;
  const gridRow = (<usize>(Wp * Ci)) << 2;
  const tapStep = (<usize>(dw * Ci)) << 2;
  for (let n = 0; n < batch; n++) {
    const source = xPtr + (<usize>n) * H * rowBytes;
    const image = padded ? padImage(source, padPtr, H, Wp, Ci, pt, pl, rowBytes) : source;
    const outImage = outPtr + (<usize>n) * P * yRow;
    for (let co = 0; co < Co; ) {
      const wide = co + 8 <= Co;
      const lanes = wide ? 8 : 4;
      const biasLo = hasBias ? v128.load(bias + (<usize>co << 2)) : zero;
      const biasHi = hasBias && wide ? v128.load(bias + (<usize>co << 2), 16) : zero;
      // The slice of this block: row r of the filter's (ky, kx, ci) rows is lanes floats at packPtr + r·lanes·4.
      for (let r = 0; r < K; r++) {
        const from = wPtr + (<usize>r) * wRow + ((<usize>co) << 2);
        const to = packPtr + ((<usize>(r * lanes)) << 2);
        v128.store(to, v128.load(from));
        if (wide) v128.store(to, v128.load(from, 16), 16);
      }
      // Output position p = oy·Wo + ox, its patch's top-left tap at `at`; stepped without divisions.
      const xStep = (<usize>(sw * Ci)) << 2;
      const rowStep = (<usize>sh) * gridRow - (<usize>Wo) * xStep;
      let ox = 0;
      let at = image;
      let p = 0;
      for (; p + 4 <= P; p += 4) {
        const b0 = at;
        if (++ox == Wo) (ox = 0), (at += xStep + rowStep);
        else at += xStep;
        const b1 = at;
        if (++ox == Wo) (ox = 0), (at += xStep + rowStep);
        else at += xStep;
        const b2 = at;
        if (++ox == Wo) (ox = 0), (at += xStep + rowStep);
        else at += xStep;
        const b3 = at;
        if (++ox == Wo) (ox = 0), (at += xStep + rowStep);
        else at += xStep;
        const out = outImage + (<usize>p) * yRow + ((<usize>co) << 2);
        let wp = packPtr;
        if (wide) {
          let a00 = f32x4.splat(0), a01 = f32x4.splat(0), a10 = f32x4.splat(0), a11 = f32x4.splat(0);
          let a20 = f32x4.splat(0), a21 = f32x4.splat(0), a30 = f32x4.splat(0), a31 = f32x4.splat(0);
          for (let ky = 0; ky < KH; ky++) {
            for (let g = 0; g < groups; g++) {
              let o = (<usize>(ky * dh)) * gridRow + (<usize>g) * tapStep;
              for (let j = 0; j < columns; j++) {
                const w0 = v128.load(wp);
                const w1 = v128.load(wp, 16);
                const x0 = v128.load32_splat(b0 + o);
                const x1 = v128.load32_splat(b1 + o);
                const x2 = v128.load32_splat(b2 + o);
                const x3 = v128.load32_splat(b3 + o);
                a00 = f32x4.add(a00, f32x4.mul(x0, w0));
                a01 = f32x4.add(a01, f32x4.mul(x0, w1));
                a10 = f32x4.add(a10, f32x4.mul(x1, w0));
                a11 = f32x4.add(a11, f32x4.mul(x1, w1));
                a20 = f32x4.add(a20, f32x4.mul(x2, w0));
                a21 = f32x4.add(a21, f32x4.mul(x2, w1));
                a30 = f32x4.add(a30, f32x4.mul(x3, w0));
                a31 = f32x4.add(a31, f32x4.mul(x3, w1));
                o += 4;
                wp += 32;
              }
            }
          }
          storeTile4x8(out, yRow, a00, a01, a10, a11, a20, a21, a30, a31, biasLo, biasHi, activation);
        } else {
          let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
          for (let ky = 0; ky < KH; ky++) {
            for (let g = 0; g < groups; g++) {
              let o = (<usize>(ky * dh)) * gridRow + (<usize>g) * tapStep;
              for (let j = 0; j < columns; j++) {
                const w0 = v128.load(wp);
                a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(b0 + o), w0));
                a1 = f32x4.add(a1, f32x4.mul(v128.load32_splat(b1 + o), w0));
                a2 = f32x4.add(a2, f32x4.mul(v128.load32_splat(b2 + o), w0));
                a3 = f32x4.add(a3, f32x4.mul(v128.load32_splat(b3 + o), w0));
                o += 4;
                wp += 16;
              }
            }
          }
          v128.store(out, finish(a0, biasLo, activation, zero, six));
          v128.store(out + yRow, finish(a1, biasLo, activation, zero, six));
          v128.store(out + 2 * yRow, finish(a2, biasLo, activation, zero, six));
          v128.store(out + 3 * yRow, finish(a3, biasLo, activation, zero, six));
        }
      }
      for (; p < P; p++) {
        const b0 = at;
        if (++ox == Wo) (ox = 0), (at += xStep + rowStep);
        else at += xStep;
        const out = outImage + (<usize>p) * yRow + ((<usize>co) << 2);
        let wp = packPtr;
        let a0 = f32x4.splat(0), a1 = f32x4.splat(0);
        for (let ky = 0; ky < KH; ky++) {
          for (let g = 0; g < groups; g++) {
            let o = (<usize>(ky * dh)) * gridRow + (<usize>g) * tapStep;
            for (let j = 0; j < columns; j++) {
              const x0 = v128.load32_splat(b0 + o);
              a0 = f32x4.add(a0, f32x4.mul(x0, v128.load(wp)));
              if (wide) a1 = f32x4.add(a1, f32x4.mul(x0, v128.load(wp, 16)));
              o += 4;
              wp += <usize>(lanes << 2);
            }
          }
        }
        v128.store(out, finish(a0, biasLo, activation, zero, six));
        if (wide) v128.store(out, finish(a1, biasHi, activation, zero, six), 16);
      }
      co += lanes;
    }
  }
}

/**
 * Depthwise convolution filter gradient with one filter per channel (multiplier 1), NHWC:
 * dW[ky, kx, c] = Σ x[n, iy, ix, c] · dy[n, oy, ox, c]. Products and sums in float64 (exact products of float32
 * values), as the cpu backend computes them, in `acc` (KH·KW·C float64 scratch), then rounded once into dw.
 */
export function depthwiseFilterGrad(
  x: usize, dy: usize, dw: usize, acc: usize,
  batch: i32, H: i32, W: i32, C: i32, Ho: i32, Wo: i32,
  KH: i32, KW: i32, sh: i32, sw: i32, dh: i32, dwl: i32, pt: i32, pl: i32,
): void {
  const taps = KH * KW * C;
  memory.fill(acc, 0, (<usize>taps) << 3);
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < Ho; oy++) {
      for (let ox = 0; ox < Wo; ox++) {
        const dyRow = dy + ((<usize>(((n * Ho + oy) * Wo + ox) * C)) << 2);
        for (let ky = 0; ky < KH; ky++) {
          const iy = oy * sh + ky * dh - pt;
          if (iy < 0 || iy >= H) continue;
          for (let kx = 0; kx < KW; kx++) {
            const ix = ox * sw + kx * dwl - pl;
            if (ix < 0 || ix >= W) continue;
            const xRow = x + ((<usize>(((n * H + iy) * W + ix) * C)) << 2);
            depthwiseTapSums(xRow, dyRow, acc + ((<usize>((ky * KW + kx) * C)) << 3), C);
          }
        }
      }
    }
  }
  for (let i = 0; i < taps; i++) store<f32>(dw + ((<usize>i) << 2), <f32>load<f64>(acc + ((<usize>i) << 3)));
}

/** sums[c] += x[c] · dy[c] over C channels, four at a time, in float64. */
// @ts-ignore: decorator
@inline function depthwiseTapSums(xRow: usize, dyRow: usize, sums: usize, C: i32): void {
  let c = 0;
  for (; c + 4 <= C; c += 4) {
    const a = v128.load(xRow + ((<usize>c) << 2));
    const b = v128.load(dyRow + ((<usize>c) << 2));
    const lo = f64x2.mul(f64x2.promote_low_f32x4(a), f64x2.promote_low_f32x4(b));
    const hi = f64x2.mul(f64x2.promote_low_f32x4(v128.shuffle<i32>(a, a, 2, 3, 0, 1)), f64x2.promote_low_f32x4(v128.shuffle<i32>(b, b, 2, 3, 0, 1)));
    const s = sums + ((<usize>c) << 3);
    v128.store(s, f64x2.add(v128.load(s), lo));
    v128.store(s, f64x2.add(v128.load(s, 16), hi), 16);
  }
  for (; c < C; c++) {
    const s = sums + ((<usize>c) << 3);
    store<f64>(s, load<f64>(s) + <f64>load<f32>(xRow + ((<usize>c) << 2)) * <f64>load<f32>(dyRow + ((<usize>c) << 2)));
  }
}

/**
 * Depthwise convolution input gradient with one filter per channel (multiplier 1), NHWC, into a zeroed dx:
 * dx[n, iy, ix, c] += dy[n, oy, ox, c] · W[ky, kx, c] for every tap, four channels at a time in float32.
 */
export function depthwiseInputGrad(
  dy: usize, w: usize, dx: usize,
  batch: i32, H: i32, W: i32, C: i32, Ho: i32, Wo: i32,
  KH: i32, KW: i32, sh: i32, sw: i32, dh: i32, dwl: i32, pt: i32, pl: i32,
): void {
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < Ho; oy++) {
      for (let ox = 0; ox < Wo; ox++) {
        const dyRow = dy + ((<usize>(((n * Ho + oy) * Wo + ox) * C)) << 2);
        for (let ky = 0; ky < KH; ky++) {
          const iy = oy * sh + ky * dh - pt;
          if (iy < 0 || iy >= H) continue;
          for (let kx = 0; kx < KW; kx++) {
            const ix = ox * sw + kx * dwl - pl;
            if (ix < 0 || ix >= W) continue;
            const dxRow = dx + ((<usize>(((n * H + iy) * W + ix) * C)) << 2);
            const wRow = w + ((<usize>((ky * KW + kx) * C)) << 2);
            let c = 0;
            for (; c + 4 <= C; c += 4) {
              const o = (<usize>c) << 2;
              v128.store(dxRow + o, f32x4.add(v128.load(dxRow + o), f32x4.mul(v128.load(dyRow + o), v128.load(wRow + o))));
            }
            for (; c < C; c++) {
              const o = (<usize>c) << 2;
              store<f32>(dxRow + o, load<f32>(dxRow + o) + load<f32>(dyRow + o) * load<f32>(wRow + o));
            }
          }
        }
      }
    }
  }
}

/**
 * Depthwise convolution with one filter per channel (multiplier 1), NHWC, C a multiple of 4:
 * out[n, oy, ox, c] = Σ over (ky, kx) of xp[n, oy·sh + ky·dh, ox·sw + kx·dw, c] · w[ky, kx, c], with xp zero-padded
 * as in conv2d (padPtr: Hp·Wp·C floats, unused without padding). Tiles of 4 output positions of a row × 4 channels:
 * each filter vector is loaded once for the 4 positions; float32 sums in tap order.
 */
export function depthwiseConv2d(
  xPtr: usize, wPtr: usize, outPtr: usize, padPtr: usize,
  batch: i32, H: i32, W: i32, C: i32, Ho: i32, Wo: i32,
  KH: i32, KW: i32, sh: i32, sw: i32, dh: i32, dw: i32, pt: i32, pl: i32, Hp: i32, Wp: i32,
): void {
  const padded = Hp != H || Wp != W;
  if (padded) memory.fill(padPtr, 0, (<usize>(Hp * Wp * C)) << 2);
  const rowBytes = (<usize>(W * C)) << 2;
  const pixel = (<usize>C) << 2;
  const xStep = (<usize>sw) * pixel;
  const tapX = (<usize>dw) * pixel;
  const gridRow = (<usize>Wp) * pixel;
  for (let n = 0; n < batch; n++) {
    const source = xPtr + (<usize>n) * H * rowBytes;
    const image = padded ? padImage(source, padPtr, H, Wp, C, pt, pl, rowBytes) : source;
    let out = outPtr + (<usize>n) * Ho * Wo * pixel;
    for (let oy = 0; oy < Ho; oy++) {
      const top = image + (<usize>(oy * sh)) * gridRow;
      let ox = 0;
      for (; ox + 4 <= Wo; ox += 4) {
        const left = top + (<usize>ox) * xStep;
        for (let o: usize = 0; o < pixel; o += 16) {
          let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
          let wp = wPtr + o;
          for (let ky = 0; ky < KH; ky++) {
            let xp = left + (<usize>(ky * dh)) * gridRow + o;
            for (let kx = 0; kx < KW; kx++) {
              const wv = v128.load(wp);
              a0 = f32x4.add(a0, f32x4.mul(v128.load(xp), wv));
              a1 = f32x4.add(a1, f32x4.mul(v128.load(xp + xStep), wv));
              a2 = f32x4.add(a2, f32x4.mul(v128.load(xp + 2 * xStep), wv));
              a3 = f32x4.add(a3, f32x4.mul(v128.load(xp + 3 * xStep), wv));
              xp += tapX;
              wp += pixel;
            }
          }
          v128.store(out + o, a0);
          v128.store(out + pixel + o, a1);
          v128.store(out + 2 * pixel + o, a2);
          v128.store(out + 3 * pixel + o, a3);
        }
        out += 4 * pixel;
      }
      for (; ox < Wo; ox++) {
        const left = top + (<usize>ox) * xStep;
        for (let o: usize = 0; o < pixel; o += 16) {
          let a0 = f32x4.splat(0);
          let wp = wPtr + o;
          for (let ky = 0; ky < KH; ky++) {
            let xp = left + (<usize>(ky * dh)) * gridRow + o;
            for (let kx = 0; kx < KW; kx++) {
              a0 = f32x4.add(a0, f32x4.mul(v128.load(xp), v128.load(wp)));
              xp += tapX;
              wp += pixel;
            }
          }
          v128.store(out + o, a0);
        }
        out += pixel;
      }
    }
  }
}

/**
 * ClipByValue's gradient: out = dy where lo ≤ x ≤ hi, else 0 (NaN x gives 0), four values a vector — what the stock
 * gradient computes with GreaterEqual, LessEqual, LogicalAnd and Select over the whole tensor.
 */
export function clipGrad(x: usize, dy: usize, out: usize, n: i32, lo: f32, hi: f32): void {
  const vlo = f32x4.splat(lo);
  const vhi = f32x4.splat(hi);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = (<usize>i) << 2;
    const xv = v128.load(x + o);
    const inside = v128.and(f32x4.ge(xv, vlo), f32x4.le(xv, vhi));
    v128.store(out + o, v128.and(v128.load(dy + o), inside));
  }
  for (; i < n; i++) {
    const o = (<usize>i) << 2;
    const xv = load<f32>(x + o);
    store<f32>(out + o, xv >= lo && xv <= hi ? load<f32>(dy + o) : 0);
  }
}

export { batchNormTrain, batchNormTrainGrad } from './batchnorm';
export { biasActivation, reluGrad, scatterPhase } from './elementwise';
export { winogradConv3x3, winogradFilter } from './winograd';
export { winogradFilter4 } from './winograd4';
export { winogradFilterGrad3x3 } from './winograd-grad';
