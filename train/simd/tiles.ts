// Register tiles of 4 rows × 8 output channels that more than one kernel shares, and the epilogue of one output
// vector.

// @ts-nocheck: AssemblyScript types (usize, f32, v128) and builtins, not TypeScript.

/**
 * Adds Σ over `rows`×Wo positions of x[4 columns] ⊗ dy[8 channels] onto out (4 rows of Co floats): the outer
 * products of the direct filter gradient (`convFilterGrad`) and of the Winograd one (`gradientProducts`, one "row"
 * of T tiles). x's positions are sw·Ci floats apart and its rows sh·Wp·Ci; dy's positions Co floats apart.
 */
// @ts-ignore: decorator
@inline
export function tile4x8(xp0: usize, gp0: usize, out: usize, rows: i32, Wo: i32, Co: i32, sh: i32, sw: i32, Wp: i32, Ci: i32): void {
  const row = (<usize>Co) << 2;
  let a00 = v128.load(out), a01 = v128.load(out, 16);
  let a10 = v128.load(out + row), a11 = v128.load(out + row, 16);
  let a20 = v128.load(out + 2 * row), a21 = v128.load(out + 2 * row, 16);
  let a30 = v128.load(out + 3 * row), a31 = v128.load(out + 3 * row, 16);
  const xStep = (<usize>(sw * Ci)) << 2;
  const xRow = (<usize>(sh * Wp * Ci)) << 2;
  const gRow = (<usize>(Wo * Co)) << 2;
  for (let r = 0; r < rows; r++) {
    let xp = xp0 + (<usize>r) * xRow;
    let gp = gp0 + (<usize>r) * gRow;
    for (let ox = 0; ox < Wo; ox++) {
      const g0 = v128.load(gp);
      const g1 = v128.load(gp, 16);
      const x0 = v128.load32_splat(xp);
      const x1 = v128.load32_splat(xp, 4);
      const x2 = v128.load32_splat(xp, 8);
      const x3 = v128.load32_splat(xp, 12);
      a00 = f32x4.add(a00, f32x4.mul(x0, g0));
      a01 = f32x4.add(a01, f32x4.mul(x0, g1));
      a10 = f32x4.add(a10, f32x4.mul(x1, g0));
      a11 = f32x4.add(a11, f32x4.mul(x1, g1));
      a20 = f32x4.add(a20, f32x4.mul(x2, g0));
      a21 = f32x4.add(a21, f32x4.mul(x2, g1));
      a30 = f32x4.add(a30, f32x4.mul(x3, g0));
      a31 = f32x4.add(a31, f32x4.mul(x3, g1));
      xp += xStep;
      gp += row;
    }
  }
  putTile4x8(out, row, a00, a01, a10, a11, a20, a21, a30, a31);
}

/** Stores a 4 × 8 tile: rows `row` bytes apart, each row's two 4-channel halves side by side. */
// @ts-ignore: decorator
@inline
export function putTile4x8(o: usize, row: usize, a00: v128, a01: v128, a10: v128, a11: v128, a20: v128, a21: v128, a30: v128, a31: v128): void {
  v128.store(o, a00);
  v128.store(o, a01, 16);
  v128.store(o + row, a10);
  v128.store(o + row, a11, 16);
  v128.store(o + 2 * row, a20);
  v128.store(o + 2 * row, a21, 16);
  v128.store(o + 3 * row, a30);
  v128.store(o + 3 * row, a31, 16);
}

/** Stores a 4 × 8 tile as act(a + bias) (`finish`): rows `row` bytes apart, lo/hi the bias of its two 4-channel halves. */
// @ts-ignore: decorator
@inline
export function storeTile4x8(
  o: usize, row: usize, a00: v128, a01: v128, a10: v128, a11: v128, a20: v128, a21: v128, a30: v128, a31: v128,
  lo: v128, hi: v128, activation: i32,
): void {
  const zero = f32x4.splat(0);
  const six = f32x4.splat(6);
  putTile4x8(o, row,
    finish(a00, lo, activation, zero, six), finish(a01, hi, activation, zero, six),
    finish(a10, lo, activation, zero, six), finish(a11, hi, activation, zero, six),
    finish(a20, lo, activation, zero, six), finish(a21, hi, activation, zero, six),
    finish(a30, lo, activation, zero, six), finish(a31, hi, activation, zero, six));
}

/** Bias and activation of one output vector (NaN passes through both, as in `biasActivation`). */
// @ts-ignore: decorator
@inline
export function finish(v: v128, b: v128, activation: i32, zero: v128, six: v128): v128 {
  let r = f32x4.add(v, b);
  if (activation >= 1) r = v128.bitselect(zero, r, f32x4.lt(r, zero));
  if (activation == 2) r = v128.bitselect(six, r, f32x4.gt(r, six));
  return r;
}
