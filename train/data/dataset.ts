// In-memory image classification data: typed arrays (no tensors, so nothing leaks), seeded splits and batches.

/** Images, channels-last, one after another; uint8 pixels are scaled to [0, 1] when batched. */
export interface ImageSet {
  readonly images: Uint8Array | Float32Array;
  readonly labels: Uint8Array | Int32Array;
  readonly count: number;
}

export interface Dataset {
  readonly name: string;
  /** Height, width, channels. */
  readonly shape: readonly [number, number, number];
  readonly classes: readonly string[];
  readonly train: ImageSet;
  /** A held-out test split when the data set ships one (MNIST, CIFAR-10). */
  readonly test?: ImageSet;
}

export interface Batch {
  readonly x: Float32Array;
  readonly y: Int32Array;
  readonly size: number;
}

/** mulberry32: a small, fast seeded generator so data and shuffles are reproducible everywhere. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seeded Fisher–Yates permutation of 0..n-1. */
export function permutation(n: number, random: () => number): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

export const sampleSize = (d: Pick<Dataset, 'shape'>): number => d.shape[0] * d.shape[1] * d.shape[2];

/** Copies the samples at `indices` into a float batch. */
export function gather(set: ImageSet, sample: number, indices: ArrayLike<number>): Batch {
  const x = new Float32Array(indices.length * sample);
  const y = new Int32Array(indices.length);
  const scale = set.images instanceof Uint8Array ? 1 / 255 : 1;
  for (let b = 0; b < indices.length; b++) {
    const i = indices[b];
    const src = set.images.subarray(i * sample, (i + 1) * sample);
    const dst = b * sample;
    for (let k = 0; k < sample; k++) x[dst + k] = src[k] * scale;
    y[b] = set.labels[i];
  }
  return { x, y, size: indices.length };
}

/** The sample indices of a train/validation split: a seeded shuffle, the last `fraction` held out. */
export function split(count: number, fraction: number, seed: number): { train: Int32Array; validation: Int32Array } {
  const order = permutation(count, rng(seed));
  const held = fraction > 0 ? Math.max(1, Math.round(count * fraction)) : 0;
  return { train: order.subarray(0, count - held), validation: order.subarray(count - held) };
}

/** Keeps the first `limit` samples (after no shuffle): for quick runs and tests. */
export function limitSet(set: ImageSet, sample: number, limit: number | undefined): ImageSet {
  if (limit === undefined || limit >= set.count) return set;
  return { images: set.images.subarray(0, limit * sample), labels: set.labels.subarray(0, limit), count: limit };
}

/** The data set with only the first `limit` training samples (`--limit`), as every engine limits it before splitting. */
export function limitData(data: Dataset, limit: number | undefined): Dataset {
  return { ...data, train: limitSet(data.train, sampleSize(data), limit) };
}

/** Number of samples per class, for balance checks and reports. */
export function classCounts(set: ImageSet, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (let i = 0; i < set.count; i++) counts[set.labels[i]]++;
  return counts;
}
