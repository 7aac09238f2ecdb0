// Node-only image-folder data set: one sub-folder per class of PNG/JPEG files, decoded in pure JS and resized.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Dataset } from '../../data/dataset';
import { fromRgba, resizeBilinear } from '../../data/image';
import { checkDataBudget } from './budget';
import { decodeImageFile, ImageReadError, maxImagePixels } from './decode';

export interface FolderOptions {
  /** Target size and channels: the model's input shape. */
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  /** Largest width × height accepted per image, checked before decoding; default `maxImagePixels()`. */
  readonly maxPixels?: number;
  readonly onProgress?: (p: { readonly loaded: number; readonly total: number }) => void;
}

const IMAGE_EXT = /\.(png|jpe?g)$/i;

/** A problem with the folder or one of its images; the message names the path. */
export class FolderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FolderError';
  }
}

export function loadFolder(dir: string, options: FolderOptions): Dataset {
  if (options.channels !== 1 && options.channels !== 3) throw new FolderError(`Image folders load 1 or 3 channels; the model wants ${options.channels}.`);
  const files = listClasses(dir);
  const classes = [...files.keys()];
  const total = [...files.values()].reduce((n, f) => n + f.length, 0);
  checkDataBudget('folder', total, options.height, options.width, options.channels);
  const sample = options.height * options.width * options.channels;
  const images = new Uint8Array(total * sample);
  // 32-bit labels: a folder may have more than 256 classes.
  const labels = new Int32Array(total);
  let i = 0;
  classes.forEach((cls, label) => {
    for (const file of files.get(cls)!) {
      images.set(loadImage(file, options), i * sample);
      labels[i] = label;
      i++;
      options.onProgress?.({ loaded: i, total });
    }
  });
  return { name: `folder(${dir})`, shape: [options.height, options.width, options.channels], classes, train: { images, labels, count: total } };
}

/** Class name → image paths, both sorted so labels are stable across runs and machines (the loader's own order). */
export function listClasses(dir: string): Map<string, string[]> {
  if (!fs.existsSync(dir)) throw new FolderError(`Image folder '${dir}' does not exist.`);
  if (!fs.statSync(dir).isDirectory()) throw new FolderError(`'${dir}' is not a folder; give a folder with one sub-folder of images per class.`);
  const classDirs = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
  if (classDirs.length < 2) {
    throw new FolderError(
      `Image folder '${dir}' needs one sub-folder per class and at least two classes; found ${classDirs.length} (${classDirs.join(', ') || 'none'}).`,
    );
  }
  const out = new Map<string, string[]>();
  for (const cls of classDirs) {
    const images = fs
      .readdirSync(path.join(dir, cls))
      .filter((f) => IMAGE_EXT.test(f))
      .sort()
      .map((f) => path.join(dir, cls, f));
    if (images.length === 0) throw new FolderError(`Class folder '${path.join(dir, cls)}' has no PNG or JPEG images.`);
    out.set(cls, images);
  }
  return out;
}

/** Decodes one PNG/JPEG file and converts it to the given channels and size. */
export function loadImage(file: string, options: Pick<FolderOptions, 'height' | 'width' | 'channels' | 'maxPixels'>): Uint8Array {
  const { width, height, rgba } = decode(file, maxImagePixels(options.maxPixels));
  const pixels = fromRgba(rgba, width * height, options.channels);
  return resizeBilinear(pixels, height, width, options.channels, options.height, options.width);
}

function decode(file: string, maxPixels: number): { width: number; height: number; rgba: Uint8Array } {
  try {
    return decodeImageFile(file, maxPixels);
  } catch (e) {
    const what = e instanceof ImageReadError ? 'read' : 'decode';
    throw new FolderError(`Cannot ${what} image '${file}': ${e instanceof Error ? e.message : String(e)}.`);
  }
}
