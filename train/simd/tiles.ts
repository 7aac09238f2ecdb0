// Register tiles of 4 rows × 8 output channels that more than one kernel shares.

// @ts-nocheck: AssemblyScript types (usize, f32, v128) and builtins, not TypeScript.

import { finish } from './winograd-core';

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
  v128.store(out, a00);
  v128.store(out, a01, 16);
  v128.store(out + row, a10);
  v128.store(out + row, a11, 16);
  v128.store(out + 2 * row, a20);
  v128.store(out + 2 * row, a21, 16);
  v128.store(out + 3 * row, a30);
  v128.store(out + 3 * row, a31, 16);
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
  v128.store(o, finish(a00, lo, activation, zero, six));
  v128.store(o, finish(a01, hi, activation, zero, six), 16);
  v128.store(o + row, finish(a10, lo, activation, zero, six));
  v128.store(o + row, finish(a11, hi, activation, zero, six), 16);
  v128.store(o + 2 * row, finish(a20, lo, activation, zero, six));
  v128.store(o + 2 * row, finish(a21, hi, activation, zero, six), 16);
  v128.store(o + 3 * row, finish(a30, lo, activation, zero, six));
  v128.store(o + 3 * row, finish(a31, hi, activation, zero, six), 16);
}
