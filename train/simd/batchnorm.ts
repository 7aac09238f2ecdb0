// Batch normalization in training mode (batch statistics) and its gradient, as wasm-SIMD kernels.
//
// x is [rows, C] (every axis but the last, channels, flattened into rows). Per-channel sums accumulate in float64
// in a scratch tensor the caller allocates (`acc`), row by row, so each pass streams the data once whatever C is.

// @ts-nocheck: AssemblyScript types (usize, f32, f64, v128) and builtins, not TypeScript.

/** Zeroes `count` float64 values at `p`. */
function zero64(p: usize, count: i32): void {
  for (let i = 0; i < count; i++) store<f64>(p + ((<usize>i) << 3), 0);
}

/**
 * Both moments in one pass, about a shift: with K[c] = x[0, c] (float64 at `shift`), sums[c] += x[r, c] − K[c] and
 * squares[c] += (x[r, c] − K[c])² over all rows, in float64. Shifting by one of the channel's own values keeps the
 * variance from cancelling however far the data lie from zero (the two-pass form's accuracy, one pass fewer).
 */
function shiftedMoments(x: usize, shift: usize, sums: usize, squares: usize, rows: i32, C: i32): void {
  const rowBytes = (<usize>C) << 2;
  for (let r = 0; r < rows; r++) {
    const row = x + (<usize>r) * rowBytes;
    let ch = 0;
    for (; ch + 4 <= C; ch += 4) {
      const a = v128.load(row + ((<usize>ch) << 2));
      const o = (<usize>ch) << 3;
      const d0 = f64x2.sub(f64x2.promote_low_f32x4(a), v128.load(shift + o));
      const d1 = f64x2.sub(f64x2.promote_low_f32x4(v128.shuffle<i32>(a, a, 2, 3, 0, 1)), v128.load(shift + o, 16));
      v128.store(sums + o, f64x2.add(v128.load(sums + o), d0));
      v128.store(sums + o, f64x2.add(v128.load(sums + o, 16), d1), 16);
      v128.store(squares + o, f64x2.add(v128.load(squares + o), f64x2.mul(d0, d0)));
      v128.store(squares + o, f64x2.add(v128.load(squares + o, 16), f64x2.mul(d1, d1)), 16);
    }
    for (; ch < C; ch++) {
      const o = (<usize>ch) << 3;
      const d = <f64>load<f32>(row + ((<usize>ch) << 2)) - load<f64>(shift + o);
      store<f64>(sums + o, load<f64>(sums + o) + d);
      store<f64>(squares + o, load<f64>(squares + o) + d * d);
    }
  }
}

/** out[r, c] = (x[r, c] − m[c])·a[c] + b[c], every operand float32; optionally plus dy[r, c]·k[c]. */
function affineRows(x: usize, m: usize, a: usize, b: usize, dy: usize, k: usize, out: usize, rows: i32, C: i32): void {
  const rowBytes = (<usize>C) << 2;
  for (let r = 0; r < rows; r++) {
    const off = (<usize>r) * rowBytes;
    let ch = 0;
    for (; ch + 4 <= C; ch += 4) {
      const o = (<usize>ch) << 2;
      let v = f32x4.add(f32x4.mul(f32x4.sub(v128.load(x + off + o), v128.load(m + o)), v128.load(a + o)), v128.load(b + o));
      if (dy) v = f32x4.add(v, f32x4.mul(v128.load(dy + off + o), v128.load(k + o)));
      v128.store(out + off + o, v);
    }
    for (; ch < C; ch++) {
      const o = (<usize>ch) << 2;
      let v = (load<f32>(x + off + o) - load<f32>(m + o)) * load<f32>(a + o) + load<f32>(b + o);
      if (dy) v += load<f32>(dy + off + o) * load<f32>(k + o);
      store<f32>(out + off + o, v);
    }
  }
}

/**
 * y = (x − mean)·γ/√(variance + ε) + β with the batch's mean and (biased) variance, which are written too, as
 * tfjs-layers' BatchNormalization computes them in training: two passes over x (both moments, then y). `acc` holds
 * 7·C float32 slots (3·C float64: the sums, the squares and the shift; then C float32 scales).
 */
export function batchNormTrain(x: usize, gamma: usize, beta: usize, y: usize, mean: usize, variance: usize, acc: usize, rows: i32, C: i32, eps: f64): void {
  const sums = acc;
  const squares = acc + ((<usize>C) << 3);
  const shift = acc + ((<usize>C) << 4);
  const scale = shift + ((<usize>C) << 3);
  zero64(acc, 2 * C);
  for (let c = 0; c < C; c++) store<f64>(shift + ((<usize>c) << 3), <f64>load<f32>(x + ((<usize>c) << 2)));
  shiftedMoments(x, shift, sums, squares, rows, C);
  const inv: f64 = 1.0 / <f64>rows;
  for (let c = 0; c < C; c++) {
    const o = (<usize>c) << 3;
    const m = load<f64>(sums + o) * inv;
    const v = Math.max(0, load<f64>(squares + o) * inv - m * m);
    store<f32>(mean + ((<usize>c) << 2), <f32>(load<f64>(shift + o) + m));
    store<f32>(variance + ((<usize>c) << 2), <f32>v);
    store<f32>(scale + ((<usize>c) << 2), <f32>(<f64>load<f32>(gamma + ((<usize>c) << 2)) / Math.sqrt(v + eps)));
  }
  affineRows(x, mean, scale, beta, 0, 0, y, rows, C);
}

/** acc[c] += dy[r, c] and acc2[c] += dy[r, c]·(x[r, c] − mean[c]) over all rows (float64). */
function gradSums(x: usize, dy: usize, mean: usize, acc: usize, acc2: usize, rows: i32, C: i32): void {
  const rowBytes = (<usize>C) << 2;
  for (let r = 0; r < rows; r++) {
    const off = (<usize>r) * rowBytes;
    let ch = 0;
    for (; ch + 4 <= C; ch += 4) {
      const o = (<usize>ch) << 2;
      const o8 = (<usize>ch) << 3;
      const g = v128.load(dy + off + o);
      const d = f32x4.sub(v128.load(x + off + o), v128.load(mean + o));
      const g0 = f64x2.promote_low_f32x4(g);
      const g1 = f64x2.promote_low_f32x4(v128.shuffle<i32>(g, g, 2, 3, 0, 1));
      v128.store(acc + o8, f64x2.add(v128.load(acc + o8), g0));
      v128.store(acc + o8, f64x2.add(v128.load(acc + o8, 16), g1), 16);
      const p0 = f64x2.mul(g0, f64x2.promote_low_f32x4(d));
      const p1 = f64x2.mul(g1, f64x2.promote_low_f32x4(v128.shuffle<i32>(d, d, 2, 3, 0, 1)));
      v128.store(acc2 + o8, f64x2.add(v128.load(acc2 + o8), p0));
      v128.store(acc2 + o8, f64x2.add(v128.load(acc2 + o8, 16), p1), 16);
    }
    for (; ch < C; ch++) {
      const o = (<usize>ch) << 2;
      const o8 = (<usize>ch) << 3;
      const g = <f64>load<f32>(dy + off + o);
      store<f64>(acc + o8, load<f64>(acc + o8) + g);
      store<f64>(acc2 + o8, load<f64>(acc2 + o8) + g * <f64>(load<f32>(x + off + o) - load<f32>(mean + o)));
    }
  }
}

/**
 * The gradient of batchNormTrain: with k = γ/σ, x̂ = (x − mean)/σ and N rows,
 *   dx = k·(dy − Σdy/N − x̂·Σ(dy·x̂)/N) + dmean/N + 2·(x − mean)·dvariance/N,
 *   dγ = Σ(dy·x̂), dβ = Σdy,
 * where dmean and dvariance are the gradients arriving at the mean and variance outputs (zero unless something
 * differentiable reads them). `acc` holds 7·C float32 slots (2·C float64 sums, then three C-vectors).
 */
export function batchNormTrainGrad(
  x: usize,
  dy: usize,
  gamma: usize,
  mean: usize,
  variance: usize,
  dmean: usize,
  dvariance: usize,
  dx: usize,
  dgamma: usize,
  dbeta: usize,
  acc: usize,
  rows: i32,
  C: i32,
  eps: f64,
): void {
  const sdy = acc;
  const sdx = acc + ((<usize>C) << 3);
  const kk = acc + ((<usize>C) << 4);
  const bb = kk + ((<usize>C) << 2);
  const cc = bb + ((<usize>C) << 2);
  zero64(acc, 2 * C);
  gradSums(x, dy, mean, sdy, sdx, rows, C);
  const n: f64 = <f64>rows;
  for (let c = 0; c < C; c++) {
    const o = (<usize>c) << 2;
    const invStd: f64 = 1.0 / Math.sqrt(<f64>load<f32>(variance + o) + eps);
    const sumDy = load<f64>(sdy + ((<usize>c) << 3));
    const sumDyD = load<f64>(sdx + ((<usize>c) << 3));
    const k = <f64>load<f32>(gamma + o) * invStd;
    store<f32>(dbeta + o, <f32>sumDy);
    store<f32>(dgamma + o, <f32>(sumDyD * invStd));
    store<f32>(kk + o, <f32>k);
    store<f32>(bb + o, <f32>((-k * invStd * invStd * sumDyD + 2.0 * <f64>load<f32>(dvariance + o)) / n));
    store<f32>(cc + o, <f32>((-k * sumDy + <f64>load<f32>(dmean + o)) / n));
  }
  affineRows(x, mean, bb, cc, dy, kk, dx, rows, C);
}
