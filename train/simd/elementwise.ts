// Small element-wise passes: the strided input gradient's interleave (each phase's result to every s-th position)
// and ReLU's gradient.

// @ts-nocheck: AssemblyScript types (usize, f32, v128) and builtins, not TypeScript.

/**
 * dst[n, q·sy + ry, p·sx + rx, :] = src[n, q, p, :] for the [batch, Qy, Qx, C] phase `src` and the [batch, H, W, C]
 * tensor `dst`; C is a multiple of 4.
 */
export function scatterPhase(src: usize, dst: usize, batch: i32, Qy: i32, Qx: i32, C: i32, H: i32, W: i32, sy: i32, sx: i32, ry: i32, rx: i32): void {
  const cBytes = (<usize>C) << 2;
  let s = src;
  for (let n = 0; n < batch; n++) {
    for (let q = 0; q < Qy; q++) {
      let d = dst + ((<usize>n * H + q * sy + ry) * W + rx) * cBytes;
      const step = <usize>sx * cBytes;
      for (let p = 0; p < Qx; p++) {
        for (let o: usize = 0; o < cBytes; o += 16) v128.store(d + o, v128.load(s + o));
        s += cBytes;
        d += step;
      }
    }
  }
}

/**
 * ReLU's gradient as tfjs-core defines it, dx = dy · step(x), in one pass: step is 1 where x > 0, NaN where x is
 * NaN, else 0, and the product keeps dy · 0's sign and NaN propagation.
 */
export function reluGrad(x: usize, dy: usize, out: usize, n: i32): void {
  const one = f32x4.splat(1);
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = (<usize>i) << 2;
    const xv = v128.load(x + o);
    const positive = v128.bitselect(one, zero, f32x4.gt(xv, zero));
    const s = v128.bitselect(xv, positive, f32x4.ne(xv, xv));
    v128.store(out + o, f32x4.mul(v128.load(dy + o), s));
  }
  for (; i < n; i++) {
    const o = (<usize>i) << 2;
    const xv = load<f32>(x + o);
    const s: f32 = xv != xv ? xv : xv > 0 ? 1 : 0;
    store<f32>(out + o, load<f32>(dy + o) * s);
  }
}

/**
 * A convolution's epilogue in place, one pass: y[r, c] = act(y[r, c] + bias[c]) over `rows` rows of C values (C a
 * multiple of 4), the bias skipped when `hasBias` is false; act is none (0), ReLU (1: y < 0 ? 0 : y) or ReLU6 (2:
 * then y > 6 ? 6 : y). NaN passes through both, as in the stock kernels the pass replaces.
 */
export function biasActivation(y: usize, bias: usize, rows: i32, C: i32, hasBias: bool, activation: i32): void {
  const zero = f32x4.splat(0);
  const six = f32x4.splat(6);
  const rowBytes = (<usize>C) << 2;
  for (let r = 0; r < rows; r++) {
    for (let o: usize = 0; o < rowBytes; o += 16) {
      let v = v128.load(y + o);
      if (hasBias) v = f32x4.add(v, v128.load(bias + o));
      if (activation >= 1) v = v128.bitselect(zero, v, f32x4.lt(v, zero));
      if (activation == 2) v = v128.bitselect(six, v, f32x4.gt(v, six));
      v128.store(y + o, v);
    }
    y += rowBytes;
  }
}
