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
