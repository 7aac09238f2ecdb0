// "Show augmented samples": a canvas grid of a few training images, each as loaded and then as the first epochs' draws
// of the `augment:` setting augment it (the very draws training makes: train/augment.ts, seeded per sample).

import type { TrainSettings } from '../../protocol/training-model';
import { augmentImage, sampleRandom, type ImageShape } from '../../train/augment';
import { split, type Dataset } from '../../train/data/dataset';

/** Rows of tiles: each row one training sample, the image as loaded first, then one draw per epoch 1, 2, …. */
export interface AugmentedSamples {
  readonly shape: ImageShape;
  readonly rows: readonly (readonly Float32Array[])[];
}

/** The first `count` samples of the training split (the trainer's own split), with `draws` augmented versions each. */
export function augmentedSamples(data: Dataset, settings: Pick<TrainSettings, 'augment' | 'validation' | 'seed'>, count = 4, draws = 3): AugmentedSamples {
  const shape = data.shape;
  const size = shape[0] * shape[1] * shape[2];
  const scale = data.train.images instanceof Uint8Array ? 1 / 255 : 1;
  const train = split(data.train.count, settings.validation, settings.seed).train;
  const rows: Float32Array[][] = [];
  for (const index of Array.from(train.subarray(0, count))) {
    const image = Float32Array.from(data.train.images.subarray(index * size, (index + 1) * size), (v) => v * scale);
    const row: Float32Array[] = [image];
    for (let epoch = 1; epoch <= draws; epoch++) row.push(augmentImage(image, shape, settings.augment ?? [], sampleRandom(settings.seed, epoch, index)));
    rows.push(row);
  }
  return { shape, rows };
}

/** Tiles at least this many pixels across, so small images (28 × 28) are visible. */
const TILE = 64;
const GAP = 4;

/** Draws the grid on a new canvas: grey levels for one channel, RGB for three (other counts show their first channel). */
export function drawAugmentGrid(samples: AugmentedSamples): HTMLCanvasElement {
  const [h, w] = samples.shape;
  const zoom = Math.max(1, Math.ceil(TILE / Math.max(h, w)));
  const columns = Math.max(0, ...samples.rows.map((r) => r.length));
  const canvas = document.createElement('canvas');
  canvas.id = 'augment-grid';
  canvas.width = Math.max(1, columns * (w * zoom + GAP));
  canvas.height = Math.max(1, samples.rows.length * (h * zoom + GAP));
  const ctx = canvas.getContext('2d');
  if (!ctx) return canvas;
  samples.rows.forEach((row, r) =>
    row.forEach((tile, c) => {
      const bitmap = tileBitmap(ctx, tile, samples.shape, zoom);
      ctx.putImageData(bitmap, c * (w * zoom + GAP), r * (h * zoom + GAP));
    }),
  );
  canvas.dataset.tiles = String(samples.rows.reduce((n, row) => n + row.length, 0));
  return canvas;
}

function tileBitmap(ctx: CanvasRenderingContext2D, tile: Float32Array, [h, w, c]: ImageShape, zoom: number): ImageData {
  const out = ctx.createImageData(w * zoom, h * zoom);
  const byte = (v: number) => Math.round(Math.min(1, Math.max(0, v)) * 255);
  for (let y = 0; y < h * zoom; y++) {
    for (let x = 0; x < w * zoom; x++) {
      const from = (Math.floor(y / zoom) * w + Math.floor(x / zoom)) * c;
      const at = (y * w * zoom + x) * 4;
      const rgb = c === 3 ? [tile[from], tile[from + 1], tile[from + 2]] : [tile[from], tile[from], tile[from]];
      out.data.set([byte(rgb[0]), byte(rgb[1]), byte(rgb[2]), 255], at);
    }
  }
  return out;
}
