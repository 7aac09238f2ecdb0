// 3×3 stride-1 convolutions for wasm by Winograd's F(2×2, 3×3) (train/simd/winograd.ts) and F(4×4, 3×3)
// (train/simd/winograd4.ts): 16 multiplications per 2×2 outputs of a channel pair, or 36 per 4×4, where a direct
// convolution does 36 or 144; and their filter gradients by the same transforms (train/simd/winograd-grad.ts).
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type * as tf from '@tensorflow/tfjs';
import { alloc, free, type Info } from './wasm-heap';
import { ptr, simdKernels } from './wasm-simd';

type ConvInfo = tf.backend_util.Conv2DInfo;

/**
 * Whether a convolution can take the Winograd kernels: channels last, a 3×3 filter at stride 1 and dilation 1, input
 * channels in whole SIMD vectors, output channels in whole 8-channel blocks, and at least 8 of each (8 → 8 channels
 * at batch 32 ran 1.4× the direct kernel; 4 → 8 ties, `npm run bench:kernels`).
 */
export function winogradApplies(c: ConvInfo): boolean {
  return (
    c.dataFormat === 'channelsLast' &&
    c.filterHeight === 3 &&
    c.filterWidth === 3 &&
    c.strideHeight === 1 &&
    c.strideWidth === 1 &&
    c.dilationHeight === 1 &&
    c.dilationWidth === 1 &&
    c.inChannels % 4 === 0 &&
    c.outChannels % 8 === 0 &&
    c.inChannels >= 8 &&
    c.outChannels >= 8
  );
}

/**
 * Whether this call should take the Winograd kernel (`winogradApplies`, and it is faster here than the direct one):
 * with at least `WINOGRAD_MIN_TILES` tiles of 2×2 outputs per call, or when the filter's transform is kept from an
 * earlier call. Transforming the filter per call does not pay off for few tiles: 7×7 outputs at batch 1 (16 tiles,
 * the last row and column half wasted) measured 0.76–0.84× the direct kernel, but 1.5–1.6× with the transform kept.
 * A filter seen here once is remembered, so its next call transforms it and keeps the transform.
 */
export function winogradPays(backend: BackendWasm, filter: Info, c: ConvInfo): boolean {
  if (!winogradApplies(c)) return false;
  const cache = cacheOf(backend);
  const tiles = c.batchSize * Math.ceil(c.outHeight / 2) * Math.ceil(c.outWidth / 2);
  if (tiles >= WINOGRAD_MIN_TILES || cache.seen.has(filter.dataId)) return true;
  cache.seen.add(filter.dataId);
  return false;
}

export const WINOGRAD_MIN_TILES = 32;

/**
 * The transformed filters of filters seen more than once, by the filter's data (tensor data never changes: a
 * variable's update gives it new data), least recently used first. Prediction and validation run the same weights
 * again and again, and transforming a 3×3×512×512 filter costs about half of the convolution it serves; a training
 * step's filters are new each step, so they are transformed per call and never kept. Entries whose filter has been
 * disposed are dropped at the next miss; the total stays under `WINOGRAD_CACHE_BYTES`.
 */
interface FilterCache {
  readonly entries: Map<object, Info>;
  readonly seen: WeakSet<object>;
  bytes: number;
}

export const WINOGRAD_CACHE_BYTES = 128 * 1024 * 1024;

const caches = new WeakMap<BackendWasm, FilterCache>();

function cacheOf(backend: BackendWasm): FilterCache {
  let cache = caches.get(backend);
  if (!cache) caches.set(backend, (cache = { entries: new Map(), seen: new WeakSet(), bytes: 0 }));
  return cache;
}

const bytesOf = (u: Info): number => u.shape[0] * 4;

/** U = winogradFilter(filter), from the cache or computed; `owned` when the caller must free it. */
function transformedFilter(backend: BackendWasm, filter: Info, Ci: number, Co: number, tile: WinogradTile): { u: Info; owned: boolean } {
  const cache = cacheOf(backend);
  const hit = cache.entries.get(filter.dataId);
  const planes = (tile + 2) ** 2;
  if (hit && hit.shape[0] === planes * Ci * Co) {
    cache.entries.delete(filter.dataId);
    cache.entries.set(filter.dataId, hit);
    return { u: hit, owned: false };
  }
  if (hit) drop(backend, cache, filter.dataId, hit);
  const u = alloc(backend, [planes * Ci * Co]);
  const kernels = simdKernels(backend);
  (tile === 4 ? kernels.winogradFilter4 : kernels.winogradFilter)(ptr(backend, filter), ptr(backend, u), Ci, Co);
  if (!cache.seen.has(filter.dataId) || bytesOf(u) > WINOGRAD_CACHE_BYTES) {
    cache.seen.add(filter.dataId);
    return { u, owned: true };
  }
  for (const [dataId, kept] of cache.entries) {
    if (!backend.dataIdMap.has(dataId)) drop(backend, cache, dataId, kept);
  }
  for (const [dataId, kept] of cache.entries) {
    if (cache.bytes + bytesOf(u) <= WINOGRAD_CACHE_BYTES) break;
    drop(backend, cache, dataId, kept);
  }
  cache.entries.set(filter.dataId, u);
  cache.bytes += bytesOf(u);
  return { u, owned: false };
}

function drop(backend: BackendWasm, cache: FilterCache, dataId: object, u: Info): void {
  cache.entries.delete(dataId);
  cache.bytes -= bytesOf(u);
  free(backend, u);
}

/** Forgets `filter`: drops its kept transform and that it was seen, so its next call transforms it again (benchmarks). */
export function forgetWinogradFilter(backend: BackendWasm, filter: Info): void {
  const cache = cacheOf(backend);
  const kept = cache.entries.get(filter.dataId);
  if (kept) drop(backend, cache, filter.dataId, kept);
  cache.seen.delete(filter.dataId);
}

/** Frees every transformed filter kept for `backend` (tests; a backend's memory is otherwise kept for reuse). */
export function clearWinogradCache(backend: BackendWasm): void {
  const cache = caches.get(backend);
  if (cache) for (const [dataId, u] of cache.entries) drop(backend, cache, dataId, u);
}

/** How many transformed filters are kept for `backend`, and their bytes. */
export function winogradCacheSize(backend: BackendWasm): { filters: number; bytes: number } {
  const cache = caches.get(backend);
  return { filters: cache?.entries.size ?? 0, bytes: cache?.bytes ?? 0 };
}

/** The output tile of the Winograd variant: 2 for F(2×2, 3×3), 4 for F(4×4, 3×3). */
export type WinogradTile = 2 | 4;

/**
 * F(4×4, 3×3) where the output is at least 8×8, its 4×4 tiles waste at most 15 % of their outputs and its transform
 * (36·Ci·Co floats, kept for prediction) is at most 16 MiB; F(2×2, 3×3) otherwise. With the transforms kept, F(4×4)
 * ran 1.5–1.7× F(2×2) on 56×56×64 and 28×28×128 at batch 1 and 1.1–1.7× on the training nets' 8×8 and 16×16 layers
 * at batch 32; on 14×14 outputs (16×16 computed) it ran 1.1× F(2×2) kept but half as fast transformed per call (the
 * first pass), transforming a 512×512 filter per call cost it 2–3×, and on 4×4 outputs (one tile per image) it ran
 * 0.7× F(2×2).
 */
export function winogradTile(c: ConvInfo): WinogradTile {
  const computed = 16 * Math.ceil(c.outHeight / 4) * Math.ceil(c.outWidth / 4);
  const waste = computed / (c.outHeight * c.outWidth);
  const big = c.outHeight >= 8 && c.outWidth >= 8;
  return big && waste <= 1.15 && 36 * c.inChannels * c.outChannels * 4 <= F4_MAX_TRANSFORM_BYTES ? 4 : 2;
}

export const F4_MAX_TRANSFORM_BYTES = 16 * 1024 * 1024;

/** Floats after each plane of the kernels' V and M scratch (`planeBytes` in train/simd/winograd-core.ts). */
export const PLANE_PAD = 16;

/**
 * y = act(conv(x, filter) + bias) by Winograd for a convolution `winogradApplies` accepts (whether or not it pays),
 * with the output tile `winogradTile` picks; `activation` is a `biasActivation` code (0 none, 1 ReLU, 2 ReLU6).
 */
export function winogradConv2d(backend: BackendWasm, x: Info, filter: Info, c: ConvInfo, bias?: Info, activation = 0, tile = winogradTile(c)): Info {
  const [TH, TW] = [Math.ceil(c.outHeight / tile), Math.ceil(c.outWidth / tile)];
  const planes = (tile + 2) ** 2;
  const T = TH * TW;
  const { u, owned } = transformedFilter(backend, filter, c.inChannels, c.outChannels, tile);
  const grid = alloc(backend, [(tile * TH + 2) * (tile * TW + 2) * c.inChannels]);
  const v = alloc(backend, [planes * (T * c.inChannels + PLANE_PAD)]);
  const m = alloc(backend, [planes * (T * c.outChannels + PLANE_PAD)]);
  const out = alloc(backend, c.outShape);
  const kernels = simdKernels(backend);
  kernels.winogradConv3x3(
    ptr(backend, x), ptr(backend, u), ptr(backend, out), bias ? ptr(backend, bias) : 0, ptr(backend, grid), ptr(backend, v), ptr(backend, m),
    c.batchSize, c.inHeight, c.inWidth, c.inChannels, c.outHeight, c.outWidth, c.outChannels, c.padInfo.top, c.padInfo.left,
    !!bias, activation, tile,
  ); // prettier-ignore
  free(backend, grid, v, m);
  if (owned) free(backend, u);
  return out;
}

/**
 * Whether a filter gradient should take the Winograd kernel: `winogradApplies`, at least 16 input channels (tiny-cnn's
 * 13×13×8 → 16 layer ran 0.87× the direct kernel by F(2×2)) and at least `WINOGRAD_MIN_TILES` tiles.
 */
export function winogradFilterGradPays(c: ConvInfo): boolean {
  const tiles = c.batchSize * Math.ceil(c.outHeight / 2) * Math.ceil(c.outWidth / 2);
  return winogradApplies(c) && c.inChannels >= 16 && tiles >= WINOGRAD_MIN_TILES;
}

/**
 * Tiles the filter gradient transforms before each round of products (whole images): enough rows for the products'
 * register tiles to run long, few enough for a plane of V and Z to stay in cache.
 */
export const GRAD_CHUNK_TILES = 64;

/**
 * The output tile of training's filter gradients: F(2×2, 3×3). Against a float64 sum (ShapesNet's 16×16×16 → 32 layer, batch
 * 32) its errors match the direct kernel's (per weight, median 1.1e-6 against 0.8e-6 relative), where F(4×4)'s
 * are 3–4× larger (its transforms scale by 2, 4, 8, ¼, ⅙ and 1/24); an Adam step divides each gradient by its own
 * running size, so small gradients' errors reach the weights in full. F(4×4) ran 1.3–1.5× faster (`npm run
 * bench:kernels`), but the README's `shapes` run with it ended on a validation spike (90 % after 99 % the epoch before;
 * 99.3 % with the direct kernel, 99.8 % with F(2×2)), so training takes F(2×2); `npm run bench:kernels` still
 * times F(4×4).
 */
export const WINOGRAD_GRAD_TILE: WinogradTile = 2;

/**
 * The filter gradient [3, 3, Ci, Co] of a convolution `winogradApplies` accepts, from its input x and output gradient
 * dy, by train/simd/winograd-grad.ts (by default with the output tile of `WINOGRAD_GRAD_TILE`).
 */
export function winogradFilterGrad(backend: BackendWasm, x: Info, dy: Info, c: ConvInfo, tile: WinogradTile = WINOGRAD_GRAD_TILE): Info {
  const [TH, TW] = [Math.ceil(c.outHeight / tile), Math.ceil(c.outWidth / tile)];
  const planes = (tile + 2) ** 2;
  const T = TH * TW;
  const chunk = Math.min(c.batchSize, Math.ceil(GRAD_CHUNK_TILES / T));
  const [Ci, Co] = [c.inChannels, c.outChannels];
  const grid = alloc(backend, [(tile * TH + 2) * (tile * TW + 2) * Ci]);
  const dyGrid = alloc(backend, [tile * TH * tile * TW * Co]);
  const v = alloc(backend, [planes * (chunk * T * Ci + PLANE_PAD)]);
  const z = alloc(backend, [planes * (chunk * T * Co + PLANE_PAD)]);
  const du = alloc(backend, [planes * Ci * Co]);
  const dw = alloc(backend, c.filterShape);
  simdKernels(backend).winogradFilterGrad3x3(
    ptr(backend, x), ptr(backend, dy), ptr(backend, dw), ptr(backend, grid), ptr(backend, dyGrid), ptr(backend, v), ptr(backend, z), ptr(backend, du),
    c.batchSize, c.inHeight, c.inWidth, Ci, c.outHeight, c.outWidth, Co, c.padInfo.top, c.padInfo.left, tile, chunk,
  ); // prettier-ignore
  free(backend, grid, dyGrid, v, z, du);
  return dw;
}
