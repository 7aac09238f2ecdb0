// 3×3 stride-1 convolutions for wasm by Winograd's F(2×2, 3×3) (train/simd/winograd.ts): 16 multiplications per 2×2
// outputs of a channel pair where a direct convolution does 36.
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type * as tf from '@tensorflow/tfjs';
import { alloc, free, type Info } from './wasm-heap';
import { ptr, simdKernels } from './wasm-simd';

type ConvInfo = tf.backend_util.Conv2DInfo;

/**
 * Whether a convolution can take the Winograd kernel: channels last, a 3×3 filter at stride 1 and dilation 1, input
 * channels in whole SIMD vectors, output channels in whole 8-channel blocks, and enough of both for the transforms
 * to pay (16 output channels measured 0.91–0.97× the direct kernel, `npm run bench:kernels`).
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
    c.inChannels >= 16 &&
    c.outChannels >= 32
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
function transformedFilter(backend: BackendWasm, filter: Info, Ci: number, Co: number): { u: Info; owned: boolean } {
  const cache = cacheOf(backend);
  const hit = cache.entries.get(filter.dataId);
  if (hit && hit.shape[0] === 16 * Ci * Co) {
    cache.entries.delete(filter.dataId);
    cache.entries.set(filter.dataId, hit);
    return { u: hit, owned: false };
  }
  if (hit) drop(backend, cache, filter.dataId, hit);
  const u = alloc(backend, [16 * Ci * Co]);
  simdKernels(backend).winogradFilter(ptr(backend, filter), ptr(backend, u), Ci, Co);
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

/**
 * y = act(conv(x, filter) + bias) by F(2×2, 3×3) for a convolution `winogradApplies` accepts (whether or not it pays); `activation` is a
 * `biasActivation` code (0 none, 1 ReLU, 2 ReLU6).
 */
export function winogradConv2d(backend: BackendWasm, x: Info, filter: Info, c: ConvInfo, bias?: Info, activation = 0): Info {
  const [TH, TW] = [Math.ceil(c.outHeight / 2), Math.ceil(c.outWidth / 2)];
  const T = TH * TW;
  const { u, owned } = transformedFilter(backend, filter, c.inChannels, c.outChannels);
  const grid = alloc(backend, [(2 * TH + 2) * (2 * TW + 2) * c.inChannels]);
  const v = alloc(backend, [16 * T * c.inChannels]);
  const m = alloc(backend, [16 * T * c.outChannels]);
  const out = alloc(backend, c.outShape);
  simdKernels(backend).winogradConv3x3(
    ptr(backend, x), ptr(backend, u), ptr(backend, out), bias ? ptr(backend, bias) : 0, ptr(backend, grid), ptr(backend, v), ptr(backend, m),
    c.batchSize, c.inHeight, c.inWidth, c.inChannels, c.outHeight, c.outWidth, c.outChannels, c.padInfo.top, c.padInfo.left,
    !!bias, activation,
  ); // prettier-ignore
  free(backend, grid, v, m);
  if (owned) free(backend, u);
  return out;
}
