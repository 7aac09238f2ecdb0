// What both Winograd variants (winograd.ts, winograd4.ts) share: the zero-padded copy of an image, the plane stride
// of their scratch and the products in transformed space.

// @ts-nocheck: AssemblyScript types (usize, f32, v128) and builtins, not TypeScript.

import { putTile4x8 } from './tiles';

/**
 * Copies one image into the zero-padded grid (Hg × Wg × Ci, zeroed once by the caller) at (pt, pl): the part of each
 * input row and the input rows that fall inside the grid (the rest is never read).
 */
export function intoGrid(image: usize, grid: usize, H: i32, W: i32, Ci: i32, Hg: i32, Wg: i32, pt: i32, pl: i32): void {
  const cBytes = (<usize>Ci) << 2;
  const gridRow = (<usize>Wg) * cBytes;
  const rows = min(H, Hg - pt);
  const cols = min(W, Wg - pl);
  for (let iy = 0; iy < rows; iy++) {
    memory.copy(grid + (<usize>(iy + pt)) * gridRow + (<usize>pl) * cBytes, image + (<usize>iy) * W * cBytes, (<usize>cols) * cBytes);
  }
}

/**
 * Bytes from one plane of V or M (T rows of C floats) to the next: one cache line more than the plane, so that the
 * planes a transform writes or reads together do not fall into the same cache sets when T·C·4 is a multiple of 4 KiB
 * (a 32×32 image of 16 channels in 4×4 tiles: 64 tiles × 16 floats, exactly 4 KiB). Callers allocate
 * planes · (T·C + PLANE_PAD) floats.
 */
// @ts-ignore: decorator
@inline
export function planeBytes(T: i32, C: i32): usize {
  return (<usize>(T * C + PLANE_PAD)) << 2;
}

/** Floats of padding after each plane (one 64-byte cache line). */
export const PLANE_PAD: i32 = 16;

/**
 * The `planes` products of one image (16 for F(2×2, 3×3), 36 for F(4×4, 3×3)): M[ξ][t][co] = Σ_ci V[ξ][t][ci] ·
 * U[ξ][co / 8][ci][co % 8]. Register tiles of 4 tiles × 8 output channels; a block of U (Ci × 8 floats) stays in
 * cache while every tile sweeps it.
 */
export function products(vPtr: usize, uPtr: usize, mPtr: usize, T: i32, Ci: i32, Co: i32, planes: i32): void {
  const vRow = (<usize>Ci) << 2;
  const mRow = (<usize>Co) << 2;
  const blocks = Co >> 3;
  for (let xi = 0; xi < planes; xi++) {
    const vXi = vPtr + (<usize>xi) * planeBytes(T, Ci);
    const mXi = mPtr + (<usize>xi) * planeBytes(T, Co);
    for (let cb = 0; cb < blocks; cb++) {
      const uBlock = uPtr + ((<usize>((xi * blocks + cb) * Ci)) << 5);
      let t = 0;
      for (; t + 4 <= T; t += 4) {
        const v0 = vXi + (<usize>t) * vRow;
        const v1 = v0 + vRow, v2 = v1 + vRow, v3 = v2 + vRow;
        let a00 = f32x4.splat(0), a01 = f32x4.splat(0), a10 = f32x4.splat(0), a11 = f32x4.splat(0);
        let a20 = f32x4.splat(0), a21 = f32x4.splat(0), a30 = f32x4.splat(0), a31 = f32x4.splat(0);
        let up = uBlock;
        for (let o: usize = 0; o < vRow; o += 4) {
          const w0 = v128.load(up);
          const w1 = v128.load(up, 16);
          const x0 = v128.load32_splat(v0 + o);
          const x1 = v128.load32_splat(v1 + o);
          const x2 = v128.load32_splat(v2 + o);
          const x3 = v128.load32_splat(v3 + o);
          a00 = f32x4.add(a00, f32x4.mul(x0, w0));
          a01 = f32x4.add(a01, f32x4.mul(x0, w1));
          a10 = f32x4.add(a10, f32x4.mul(x1, w0));
          a11 = f32x4.add(a11, f32x4.mul(x1, w1));
          a20 = f32x4.add(a20, f32x4.mul(x2, w0));
          a21 = f32x4.add(a21, f32x4.mul(x2, w1));
          a30 = f32x4.add(a30, f32x4.mul(x3, w0));
          a31 = f32x4.add(a31, f32x4.mul(x3, w1));
          up += 32;
        }
        const out = mXi + (<usize>t) * mRow + ((<usize>cb) << 5);
        putTile4x8(out, mRow, a00, a01, a10, a11, a20, a21, a30, a31);
      }
      for (; t < T; t++) {
        const v0 = vXi + (<usize>t) * vRow;
        let a0 = f32x4.splat(0), a1 = f32x4.splat(0);
        let up = uBlock;
        for (let o: usize = 0; o < vRow; o += 4) {
          const x0 = v128.load32_splat(v0 + o);
          a0 = f32x4.add(a0, f32x4.mul(x0, v128.load(up)));
          a1 = f32x4.add(a1, f32x4.mul(x0, v128.load(up, 16)));
          up += 32;
        }
        const out = mXi + (<usize>t) * mRow + ((<usize>cb) << 5);
        v128.store(out, a0);
        v128.store(out, a1, 16);
      }
    }
  }
}
