// Interleaving for the strided convolution's input gradient: each phase's result goes to every s-th position.

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
