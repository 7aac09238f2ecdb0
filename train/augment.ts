// Data augmentation as pure functions over one channels-last Float32Array image, and their seeded per-sample draws
// (Node and browser alike: no tfjs, no Node, no Math.random).

import type { AugmentSetting } from '../protocol/training-model';
import { rng } from './data/dataset';

/** Height, width, channels: an image is `h * w * c` values, row by row, channels innermost. */
export type ImageShape = readonly [number, number, number];

/** The image mirrored left to right: pixel (y, x) moves to (y, w - 1 - x). */
export function flipHorizontal(img: Float32Array, [h, w, c]: ImageShape): Float32Array {
  const out = new Float32Array(img.length);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out.set(img.subarray((y * w + x) * c, (y * w + x + 1) * c), (y * w + (w - 1 - x)) * c);
  return out;
}

/**
 * The image moved by (dy, dx) pixels (down and right when positive), zeros where nothing moved in:
 * out(y, x) = img(y - dy, x - dx).
 */
export function shift(img: Float32Array, [h, w, c]: ImageShape, dy: number, dx: number): Float32Array {
  const out = new Float32Array(img.length);
  for (let y = 0; y < h; y++) {
    const sy = y - dy;
    if (sy < 0 || sy >= h) continue;
    for (let x = 0; x < w; x++) {
      const sx = x - dx;
      if (sx >= 0 && sx < w) out.set(img.subarray((sy * w + sx) * c, (sy * w + sx + 1) * c), (y * w + x) * c);
    }
  }
  return out;
}

/**
 * torchvision's RandomCrop(padding: pad) at a chosen offset: the image padded with `pad` zeros on every side, then the
 * h × w window whose top-left corner is (top, left) in the padded image (each in 0 … 2·pad).
 */
export function cropPadded(img: Float32Array, shape: ImageShape, pad: number, top: number, left: number): Float32Array {
  return shift(img, shape, pad - top, pad - left);
}

/**
 * Rotation by `degrees` about the image centre, counter-clockwise as the image is seen (rows downwards), bilinear,
 * zeros outside the source. Each output pixel reads the source at the point that rotates onto it.
 */
export function rotate(img: Float32Array, [h, w, c]: ImageShape, degrees: number): Float32Array {
  const out = new Float32Array(img.length);
  const t = (degrees * Math.PI) / 180;
  const cos = Math.cos(t);
  const sin = Math.sin(t);
  const cy = (h - 1) / 2;
  const cx = (w - 1) / 2;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const sx = cx + (x - cx) * cos - (y - cy) * sin;
      const sy = cy + (x - cx) * sin + (y - cy) * cos;
      bilinear(img, [h, w, c], sy, sx, out, (y * w + x) * c);
    }
  }
  return out;
}

/** Writes the bilinear sample at (sy, sx) to out[at …]; points beyond the border read zeros. */
function bilinear(img: Float32Array, [h, w, c]: ImageShape, sy: number, sx: number, out: Float32Array, at: number): void {
  // Snap values within rounding error of a whole pixel, so a quarter turn moves pixels exactly.
  const ry = Math.abs(sy - Math.round(sy)) < 1e-9 ? Math.round(sy) : sy;
  const rx = Math.abs(sx - Math.round(sx)) < 1e-9 ? Math.round(sx) : sx;
  const y0 = Math.floor(ry);
  const x0 = Math.floor(rx);
  const fy = ry - y0;
  const fx = rx - x0;
  const corners: readonly [number, number, number][] = [
    [y0, x0, (1 - fy) * (1 - fx)],
    [y0, x0 + 1, (1 - fy) * fx],
    [y0 + 1, x0, fy * (1 - fx)],
    [y0 + 1, x0 + 1, fy * fx],
  ];
  for (const [yy, xx, weight] of corners) {
    if (weight === 0 || yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
    const from = (yy * w + xx) * c;
    for (let k = 0; k < c; k++) out[at + k] += weight * img[from + k];
  }
}

const clamp01 = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : v);

/** Every value times `factor`, kept in [0, 1] (torchvision's adjust_brightness). */
export function brightness(img: Float32Array, factor: number): Float32Array {
  return img.map((v) => clamp01(v * factor));
}

/** Values pulled towards (factor < 1) or pushed from (factor > 1) the image's mean over all values, kept in [0, 1]. */
export function contrast(img: Float32Array, factor: number): Float32Array {
  let sum = 0;
  for (const v of img) sum += v;
  const mean = img.length > 0 ? sum / img.length : 0;
  return img.map((v) => clamp01((v - mean) * factor + mean));
}

/** Cutout (DeVries & Taylor): the size × size square starting at (top, left), clipped to the image, set to zero. */
export function cutout(img: Float32Array, [h, w, c]: ImageShape, top: number, left: number, size: number): Float32Array {
  const out = img.slice();
  for (let y = Math.max(0, top); y < Math.min(h, top + size); y++)
    for (let x = Math.max(0, left); x < Math.min(w, left + size); x++) out.fill(0, (y * w + x) * c, (y * w + x + 1) * c);
  return out;
}

/** A whole number in [lo, hi], drawn uniformly. */
const between = (random: () => number, lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));

/** One augmentation with its random parameters drawn from `random` (a fixed number of draws per kind). */
function applyStep(img: Float32Array, shape: ImageShape, step: AugmentSetting, random: () => number): Float32Array {
  const a = step.amount;
  switch (step.kind) {
    case 'flip':
      return random() < a ? flipHorizontal(img, shape) : img;
    case 'crop':
      return cropPadded(img, shape, a, between(random, 0, 2 * a), between(random, 0, 2 * a));
    case 'rotate':
      return rotate(img, shape, (2 * random() - 1) * a);
    case 'translate':
      return shift(img, shape, between(random, -a, a), between(random, -a, a));
    case 'brightness':
      return brightness(img, 1 + (2 * random() - 1) * a);
    case 'contrast':
      return contrast(img, 1 + (2 * random() - 1) * a);
    case 'cutout': {
      // The square's centre is uniform over the image, so squares at the border are clipped (as in the paper).
      const half = Math.floor(a / 2);
      return cutout(img, shape, between(random, 0, shape[0] - 1) - half, between(random, 0, shape[1] - 1) - half, a);
    }
  }
}

/** The augmentations in order, each drawing from `random`. */
export function augmentImage(img: Float32Array, shape: ImageShape, steps: readonly AugmentSetting[], random: () => number): Float32Array {
  let out = img;
  for (const step of steps) out = applyStep(out, shape, step, random);
  return out;
}

/**
 * The generator of one sample's draws: a function of the run's seed, the epoch and the sample's index in the data
 * set only, so a sample gets the same augmentation whatever batch it lands in, and another one every epoch.
 */
export function sampleRandom(seed: number, epoch: number, sample: number): () => number {
  let hash = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13) ^ epoch, 0xc2b2ae35);
  hash = Math.imul(hash ^ (hash >>> 16) ^ sample, 0x27d4eb2f);
  return rng(hash ^ (hash >>> 15));
}

/** Augments a batch in place: `x` holds `indices.length` images, image b being sample `indices[b]` of the data set. */
export function augmentBatch(
  x: Float32Array,
  shape: ImageShape,
  indices: ArrayLike<number>,
  steps: readonly AugmentSetting[],
  seed: number,
  epoch: number,
): void {
  const size = shape[0] * shape[1] * shape[2];
  for (let b = 0; b < indices.length; b++) {
    const img = x.subarray(b * size, (b + 1) * size);
    x.set(augmentImage(img, shape, steps, sampleRandom(seed, epoch, indices[b])), b * size);
  }
}
