// Node-only: turns a DataSpec into a loaded Dataset sized for the model (shapes drawn, folders resized, sets downloaded).

import * as path from 'node:path';
import type { Dataset } from '../../data/dataset';
import { checkDataBudget } from './budget';
import { loadFolder } from './folder';
import type { FetchOptions } from './node-io';
import { loadRemote } from './remote';
import { makeShapes } from '../../data/shapes';
import type { DataSpec } from '../../data/spec';

export interface LoadOptions extends FetchOptions {
  /** The model's input shape, batch excluded: shapes and folders are produced at this size. */
  readonly inputShape: readonly (number | null)[];
  /** Relative folder paths are resolved against this (the model file's folder). */
  readonly baseDir?: string;
  readonly seed?: number;
  readonly onLoadProgress?: (p: { readonly loaded: number; readonly total: number }) => void;
}

export async function loadData(spec: DataSpec, options: LoadOptions): Promise<Dataset> {
  switch (spec.kind) {
    case 'shapes': {
      const [h, w, c] = imageSize(options.inputShape, 'shapes', [32, 32, 1]);
      // The same default counts as makeShapes: 4000 training images and a fifth as many test images.
      const count = spec.count ?? 4000;
      checkDataBudget('shapes', count + Math.ceil(count / 5), h, w, c);
      return makeShapes({ height: h, width: w, channels: c, count: spec.count, noise: spec.noise, seed: spec.seed ?? options.seed });
    }
    case 'folder': {
      const [height, width, channels] = imageSize(options.inputShape, 'folder', [64, 64, 3]);
      const dir = path.resolve(options.baseDir ?? process.cwd(), spec.path);
      return loadFolder(dir, { height, width, channels, onProgress: options.onLoadProgress });
    }
    default:
      return loadRemote(spec.kind, options);
  }
}

/** The model's image size; unknown dims fall back to the data set's usual size. */
function imageSize(shape: readonly (number | null)[], what: string, fallback: [number, number, number]): [number, number, number] {
  if (shape.length !== 3) {
    throw new Error(
      `The ${what} data set makes images (height, width, channels), but the model input has shape (None, ${shape.map((d) => d ?? '?').join(', ')}).`,
    );
  }
  return [shape[0] ?? fallback[0], shape[1] ?? fallback[1], shape[2] ?? fallback[2]];
}
