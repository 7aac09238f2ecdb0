// The page's data: the built-in shapes set drawn right here, or a set the extension host streams in chunks.

import type { DatasetHeader } from '../../protocol/training';
import type { Dataset } from '../../train/data/dataset';
import { makeShapes } from '../../train/data/shapes';
import type { TrainSettings } from '../../protocol/training-model';

/** The shapes data set at the model's input size, or null when the host must load the data. */
export function localDataset(settings: TrainSettings, inputShape: readonly (number | null)[]): Dataset | null {
  const spec = settings.data;
  if (spec.kind !== 'shapes') return null;
  if (inputShape.length !== 3) {
    throw new Error(`The shapes data set makes images (height, width, channels); the model input has shape (${inputShape.map((d) => d ?? '?').join(', ')}).`);
  }
  const [h, w, c] = inputShape;
  return makeShapes({ height: h ?? 32, width: w ?? 32, channels: c ?? 1, count: spec.count, noise: spec.noise, seed: spec.seed ?? settings.seed });
}

/** Fills a data set from the host's chunks; `finish()` returns it once every sample arrived. */
export class ChunkedDataset {
  private readonly trainImages: Uint8Array;
  private readonly trainLabels: Uint8Array;
  private readonly testImages: Uint8Array;
  private readonly testLabels: Uint8Array;
  private received = 0;

  constructor(readonly header: DatasetHeader) {
    const sample = header.shape[0] * header.shape[1] * header.shape[2];
    this.trainImages = new Uint8Array(header.trainCount * sample);
    this.trainLabels = new Uint8Array(header.trainCount);
    this.testImages = new Uint8Array(header.testCount * sample);
    this.testLabels = new Uint8Array(header.testCount);
  }

  get progress(): number {
    return this.received / (this.header.trainCount + this.header.testCount);
  }

  /** `offset` counts samples; a chunk that would overflow its split is refused. */
  add(split: 'train' | 'test', offset: number, images: Uint8Array, labels: Uint8Array): void {
    const sample = this.header.shape[0] * this.header.shape[1] * this.header.shape[2];
    const [imgs, lbls] = split === 'train' ? [this.trainImages, this.trainLabels] : [this.testImages, this.testLabels];
    if (images.length !== labels.length * sample || offset + labels.length > lbls.length) {
      throw new Error(`A ${split} data chunk at sample ${offset} does not fit the announced data set.`);
    }
    if (labels.some((l) => l >= this.header.classes.length))
      throw new Error(`A ${split} data chunk has a label outside the ${this.header.classes.length} classes.`);
    imgs.set(images, offset * sample);
    lbls.set(labels, offset);
    this.received += labels.length;
  }

  finish(): Dataset {
    const h = this.header;
    return {
      name: h.name,
      shape: h.shape,
      classes: h.classes,
      train: { images: this.trainImages, labels: this.trainLabels, count: h.trainCount },
      test: h.testCount > 0 ? { images: this.testImages, labels: this.testLabels, count: h.testCount } : undefined,
    };
  }
}
