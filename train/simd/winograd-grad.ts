// The filter gradient of a 3×3 stride-1 convolution by Winograd's transforms (winograd.ts, winograd4.ts), the same
// algorithm run backwards. The forward pass computes each tile's outputs as Y = Aᵀ [ Σ_ci U ⊙ V ] A with
// U = G g Gᵀ and V = Bᵀ d B, so for the gradient dY of one tile's outputs
//   dU[ξ][ci][co] = Σ over tiles and images of V[ξ][t][ci] · Z[ξ][t][co],   Z = A dY Aᵀ,
//   dg = Gᵀ dU G,
// one matrix product per plane ξ reducing over tiles, where the direct kernel reduces 9 taps per output position:
// 4 multiplications per output position and channel pair for F(2×2, 3×3) and 2.25 for F(4×4, 3×3), instead of 9.
// Positions outside the output (the last tiles' tails) carry a zero gradient: dy is copied into a zero grid of
// whole tiles. Channels last; Ci a multiple of 4, Co a multiple of 8.

// @ts-nocheck: AssemblyScript types (usize, f32, v128) and builtins, not TypeScript.

import { inputTransform } from './winograd';
import { inputTransform4 } from './winograd4';
import { tile4x8 } from './tiles';
import { intoGrid, planeBytes } from './winograd-core';

/** (A d)[k] for F(2×2, 3×3)'s A = [1 0; 1 1; 1 −1; 0 −1]. */
// @ts-ignore: decorator
@inline
function a4(d0: v128, d1: v128, k: i32): v128 {
  if (k == 0) return d0;
  if (k == 1) return f32x4.add(d0, d1);
  if (k == 2) return f32x4.sub(d0, d1);
  return f32x4.neg(d1);
}

/** (A d)[k] for F(4×4, 3×3)'s A = [1 0 0 0; 1 1 1 1; 1 −1 1 −1; 1 2 4 8; 1 −2 4 −8; 0 0 0 1]. */
// @ts-ignore: decorator
@inline
function a6(d0: v128, d1: v128, d2: v128, d3: v128, k: i32): v128 {
  if (k == 0) return d0;
  if (k == 5) return d3;
  const even = k < 3 ? f32x4.add(d0, d2) : f32x4.add(d0, f32x4.mul(f32x4.splat(4), d2));
  const odd = k < 3 ? f32x4.add(d1, d3) : f32x4.add(f32x4.mul(f32x4.splat(2), d1), f32x4.mul(f32x4.splat(8), d3));
  return k & 1 ? f32x4.add(even, odd) : f32x4.sub(even, odd);
}

/**
 * One image's gradient transform: Z[ξ][t][co] = (A dY Aᵀ)[ξ] of each tile's tile×tile block of dy, read from the
 * zero grid `dyGrid` (whole tiles, Wd columns of Co floats), 4 channels at a time; Z's planes `plane` bytes apart.
 */
export function gradientTransform(dyGrid: usize, zPtr: usize, TH: i32, TW: i32, Wd: i32, Co: i32, plane: usize, tile: i32): void {
  const row = (<usize>(Wd * Co)) << 2;
  const col = (<usize>Co) << 2;
  const alpha = tile + 2;
  for (let ty = 0; ty < TH; ty++) {
    for (let tx = 0; tx < TW; tx++) {
      const origin = dyGrid + (<usize>(tile * ty)) * row + (<usize>(tile * tx)) * col;
      const out = zPtr + ((<usize>((ty * TW + tx) * Co)) << 2);
      for (let c: usize = 0; c < col; c += 16) {
        const p = origin + c;
        for (let k = 0; k < alpha; k++) {
          // Row k of A dY (one value per column of the block), then A on those values gives row k of Z.
          const at = out + c + (<usize>(k * alpha)) * plane;
          if (tile == 4) {
            const c0 = a6(v128.load(p), v128.load(p + row), v128.load(p + 2 * row), v128.load(p + 3 * row), k);
            const c1 = a6(v128.load(p + col), v128.load(p + row + col), v128.load(p + 2 * row + col), v128.load(p + 3 * row + col), k);
            const c2 = a6(v128.load(p + 2 * col), v128.load(p + row + 2 * col), v128.load(p + 2 * row + 2 * col), v128.load(p + 3 * row + 2 * col), k);
            const c3 = a6(v128.load(p + 3 * col), v128.load(p + row + 3 * col), v128.load(p + 2 * row + 3 * col), v128.load(p + 3 * row + 3 * col), k);
            v128.store(at, c0);
            v128.store(at + plane, a6(c0, c1, c2, c3, 1));
            v128.store(at + 2 * plane, a6(c0, c1, c2, c3, 2));
            v128.store(at + 3 * plane, a6(c0, c1, c2, c3, 3));
            v128.store(at + 4 * plane, a6(c0, c1, c2, c3, 4));
            v128.store(at + 5 * plane, c3);
          } else {
            const c0 = a4(v128.load(p), v128.load(p + row), k);
            const c1 = a4(v128.load(p + col), v128.load(p + row + col), k);
            v128.store(at, c0);
            v128.store(at + plane, f32x4.add(c0, c1));
            v128.store(at + 2 * plane, f32x4.sub(c0, c1));
            v128.store(at + 3 * plane, f32x4.neg(c1));
          }
        }
      }
    }
  }
}

/**
 * dU[ξ][ci][co] += Σ_t V[ξ][t][ci] · Z[ξ][t][co] for `planes` planes of T tiles (V's planes `vPlane` bytes apart,
 * Z's `zPlane`; dU's planes dense, Ci × Co each). Register tiles of 4 input × 8 output channels sweep the tiles.
 */
export function gradientProducts(vPtr: usize, zPtr: usize, duPtr: usize, T: i32, Ci: i32, Co: i32, planes: i32, vPlane: usize, zPlane: usize): void {
  const zRow = (<usize>Co) << 2;
  for (let xi = 0; xi < planes; xi++) {
    const v = vPtr + (<usize>xi) * vPlane;
    const z = zPtr + (<usize>xi) * zPlane;
    const du = duPtr + (<usize>xi) * Ci * zRow;
    for (let ci = 0; ci < Ci; ci += 4) {
      for (let co = 0; co < Co; co += 8) {
        // As the direct filter gradient's tiles, with the T tiles as one row of T positions, Ci floats apart in V.
        tile4x8(v + ((<usize>ci) << 2), z + ((<usize>co) << 2), du + (<usize>ci) * zRow + ((<usize>co) << 2), 1, T, Co, 1, 1, 0, Ci);
      }
    }
  }
}

/** (Gᵀ u)[k] for F(2×2, 3×3)'s Gᵀ = [1 ½ ½ 0; 0 ½ −½ 0; 0 ½ ½ 1]. */
// @ts-ignore: decorator
@inline
function g4(u0: v128, u1: v128, u2: v128, u3: v128, k: i32): v128 {
  const half = f32x4.splat(0.5);
  if (k == 1) return f32x4.mul(f32x4.sub(u1, u2), half);
  const s = f32x4.mul(f32x4.add(u1, u2), half);
  return k == 0 ? f32x4.add(u0, s) : f32x4.add(s, u3);
}

/** (Gᵀ u)[k] for F(4×4, 3×3)'s Gᵀ = [¼ −⅙ −⅙ 1/24 1/24 0; 0 −⅙ ⅙ 1/12 −1/12 0; 0 −⅙ −⅙ ⅙ ⅙ 1]. */
// @ts-ignore: decorator
@inline
function g6(u0: v128, u1: v128, u2: v128, u3: v128, u4: v128, u5: v128, k: i32): v128 {
  const sixth = f32x4.splat(1.0 / 6.0);
  if (k == 1) return f32x4.add(f32x4.mul(f32x4.sub(u2, u1), sixth), f32x4.mul(f32x4.sub(u3, u4), f32x4.splat(1.0 / 12.0)));
  const s = f32x4.mul(f32x4.add(u1, u2), sixth);
  const r = f32x4.add(u3, u4);
  if (k == 0) return f32x4.add(f32x4.sub(f32x4.mul(u0, f32x4.splat(0.25)), s), f32x4.mul(r, f32x4.splat(1.0 / 24.0)));
  return f32x4.add(f32x4.sub(f32x4.mul(r, sixth), s), u5);
}

/** dw[ky][kx][ci][co] = (Gᵀ dU G)[ky][kx] for every (ci, co), dU's planes dense (Ci × Co each). */
export function filterGradTransform(duPtr: usize, dwPtr: usize, Ci: i32, Co: i32, tile: i32): void {
  const plane = (<usize>(Ci * Co)) << 2;
  const tap = plane;
  const alpha = tile + 2;
  const row = (<usize>alpha) * plane;
  for (let i: usize = 0; i < plane; i += 16) {
    const u = duPtr + i;
    const w = dwPtr + i;
    for (let kx = 0; kx < 3; kx++) {
      // Column kx of dU G (one value per row of dU), then Gᵀ on those values gives column kx of dg.
      if (tile == 4) {
        const r0 = g6(v128.load(u), v128.load(u + plane), v128.load(u + 2 * plane), v128.load(u + 3 * plane), v128.load(u + 4 * plane), v128.load(u + 5 * plane), kx);
        const r1 = g6(v128.load(u + row), v128.load(u + row + plane), v128.load(u + row + 2 * plane), v128.load(u + row + 3 * plane), v128.load(u + row + 4 * plane), v128.load(u + row + 5 * plane), kx);
        const r2 = g6(v128.load(u + 2 * row), v128.load(u + 2 * row + plane), v128.load(u + 2 * row + 2 * plane), v128.load(u + 2 * row + 3 * plane), v128.load(u + 2 * row + 4 * plane), v128.load(u + 2 * row + 5 * plane), kx);
        const r3 = g6(v128.load(u + 3 * row), v128.load(u + 3 * row + plane), v128.load(u + 3 * row + 2 * plane), v128.load(u + 3 * row + 3 * plane), v128.load(u + 3 * row + 4 * plane), v128.load(u + 3 * row + 5 * plane), kx);
        const r4 = g6(v128.load(u + 4 * row), v128.load(u + 4 * row + plane), v128.load(u + 4 * row + 2 * plane), v128.load(u + 4 * row + 3 * plane), v128.load(u + 4 * row + 4 * plane), v128.load(u + 4 * row + 5 * plane), kx);
        const r5 = g6(v128.load(u + 5 * row), v128.load(u + 5 * row + plane), v128.load(u + 5 * row + 2 * plane), v128.load(u + 5 * row + 3 * plane), v128.load(u + 5 * row + 4 * plane), v128.load(u + 5 * row + 5 * plane), kx);
        v128.store(w + (<usize>kx) * tap, g6(r0, r1, r2, r3, r4, r5, 0));
        v128.store(w + (<usize>(3 + kx)) * tap, g6(r0, r1, r2, r3, r4, r5, 1));
        v128.store(w + (<usize>(6 + kx)) * tap, g6(r0, r1, r2, r3, r4, r5, 2));
      } else {
        const r0 = g4(v128.load(u), v128.load(u + plane), v128.load(u + 2 * plane), v128.load(u + 3 * plane), kx);
        const r1 = g4(v128.load(u + row), v128.load(u + row + plane), v128.load(u + row + 2 * plane), v128.load(u + row + 3 * plane), kx);
        const r2 = g4(v128.load(u + 2 * row), v128.load(u + 2 * row + plane), v128.load(u + 2 * row + 2 * plane), v128.load(u + 2 * row + 3 * plane), kx);
        const r3 = g4(v128.load(u + 3 * row), v128.load(u + 3 * row + plane), v128.load(u + 3 * row + 2 * plane), v128.load(u + 3 * row + 3 * plane), kx);
        v128.store(w + (<usize>kx) * tap, g4(r0, r1, r2, r3, 0));
        v128.store(w + (<usize>(3 + kx)) * tap, g4(r0, r1, r2, r3, 1));
        v128.store(w + (<usize>(6 + kx)) * tap, g4(r0, r1, r2, r3, 2));
      }
    }
  }
}

/**
 * dw = the filter gradient of a 3×3 stride-1 convolution with top/left padding (pt, pl), [3, 3, Ci, Co], by
 * F(2×2, 3×3) (`tile` 2) or F(4×4, 3×3) (`tile` 4), `chunk` images at a time. Scratch from the caller: `grid`
 * Hg·Wg·Ci floats (Hg = tile·TH + 2, likewise Wg), `dyGrid` tile·TH·tile·TW·Co, `vPtr` P·(chunk·T·Ci + PLANE_PAD),
 * `zPtr` P·(chunk·T·Co + PLANE_PAD) and `duPtr` P·Ci·Co floats (P = (tile + 2)² planes, T = TH·TW tiles of one image,
 * TH = ⌈Ho/tile⌉, TW = ⌈Wo/tile⌉).
 */
export function winogradFilterGrad3x3(
  xPtr: usize, dyPtr: usize, dwPtr: usize, grid: usize, dyGrid: usize, vPtr: usize, zPtr: usize, duPtr: usize,
  batch: i32, H: i32, W: i32, Ci: i32, Ho: i32, Wo: i32, Co: i32, pt: i32, pl: i32, tile: i32, chunk: i32,
): void {
  const TH = (Ho + tile - 1) / tile;
  const TW = (Wo + tile - 1) / tile;
  const T = TH * TW;
  const Hg = tile * TH + 2;
  const Wg = tile * TW + 2;
  const planes = (tile + 2) * (tile + 2);
  memory.fill(grid, 0, (<usize>(Hg * Wg * Ci)) << 2);
  memory.fill(dyGrid, 0, (<usize>(tile * TH * tile * TW * Co)) << 2);
  memory.fill(duPtr, 0, (<usize>(planes * Ci * Co)) << 2);
  const xImage = (<usize>(H * W * Ci)) << 2;
  const dyImage = (<usize>(Ho * Wo * Co)) << 2;
  for (let n0 = 0; n0 < batch; n0 += chunk) {
    const images = min(chunk, batch - n0);
    const vPlane = planeBytes(images * T, Ci);
    const zPlane = planeBytes(images * T, Co);
    for (let i = 0; i < images; i++) {
      const n = <usize>(n0 + i);
      intoGrid(xPtr + n * xImage, grid, H, W, Ci, Hg, Wg, pt, pl);
      const v = vPtr + ((<usize>(i * T * Ci)) << 2);
      if (tile == 4) inputTransform4(grid, v, TH, TW, Wg, Ci, vPlane);
      else inputTransform(grid, v, TH, TW, Wg, Ci, vPlane);
      intoGrid(dyPtr + n * dyImage, dyGrid, Ho, Wo, Co, tile * TH, tile * TW, 0, 0);
      gradientTransform(dyGrid, zPtr + ((<usize>(i * T * Co)) << 2), TH, TW, tile * TW, Co, zPlane, tile);
    }
    gradientProducts(vPtr, zPtr, duPtr, images * T, Ci, Co, planes, vPlane, zPlane);
  }
  filterGradTransform(duPtr, dwPtr, Ci, Co, tile);
}
