// What the trainer does to a batch between the data set and the model: augmentation (training split only, seeded per
// sample) and then per-channel normalisation (both splits), from the `augment:` and `normalize:` settings.

import type { AugmentSetting, NormalizeSetting } from '../protocol/training-model';
import { augmentBatch, type ImageShape } from './augment';
import { split, type Batch, type Dataset, type ImageSet } from './data/dataset';

/** Per-channel statistics: the model sees (pixel − mean) / std, pixels in [0, 1]. Saved beside the weights. */
export interface Normalization {
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/**
 * Mean and (population) standard deviation per channel of the samples at `indices`, pixels scaled to [0, 1] as
 * batches are; a channel with no spread gets std 1, so it is centred but never divided by zero.
 */
export function channelStats(set: ImageSet, shape: ImageShape, indices: ArrayLike<number>): Normalization {
  const c = shape[2];
  const size = shape[0] * shape[1] * c;
  const scale = set.images instanceof Uint8Array ? 1 / 255 : 1;
  const sum = new Float64Array(c);
  const squares = new Float64Array(c);
  for (let i = 0; i < indices.length; i++) {
    const from = indices[i] * size;
    for (let k = 0; k < size; k++) {
      const v = set.images[from + k] * scale;
      sum[k % c] += v;
      squares[k % c] += v * v;
    }
  }
  const n = Math.max(indices.length * (size / c), 1);
  const mean = Array.from(sum, (s) => s / n);
  const std = mean.map((m, k) => {
    const sd = Math.sqrt(Math.max(squares[k] / n - m * m, 0));
    return sd > 1e-6 ? sd : 1;
  });
  return { mean, std };
}

/** The statistics a run uses: `auto` from the training split, fixed ones spread over the channels; throws on a misfit. */
export function resolveNormalization(setting: NormalizeSetting | undefined, data: Dataset, train: ArrayLike<number>): Normalization | undefined {
  if (!setting) return undefined;
  if (setting.kind === 'auto') return channelStats(data.train, data.shape, train);
  const c = data.shape[2];
  const spread = (values: readonly number[], what: string): number[] => {
    if (values.length === c) return [...values];
    if (values.length === 1) return new Array<number>(c).fill(values[0]);
    throw new Error(`normalize gives ${values.length} values of ${what} but data set '${data.name}' has ${c} channel${c === 1 ? '' : 's'}.`);
  };
  return { mean: spread(setting.mean, 'mean'), std: spread(setting.std, 'std') };
}

/** The statistics a run with these settings uses, worked out with the trainer's own split (for what is saved). */
export function runNormalization(s: { normalize?: NormalizeSetting; validation: number; seed: number }, data: Dataset): Normalization | undefined {
  return resolveNormalization(s.normalize, data, split(data.train.count, s.validation, s.seed).train);
}

/** (x − mean) / std per channel, in place; `x` is channels-last with `mean.length` channels. */
export function normalizeInPlace(x: Float32Array, n: Normalization): void {
  const c = n.mean.length;
  const inv = n.std.map((s) => 1 / s);
  for (let k = 0; k < x.length; k++) x[k] = (x[k] - n.mean[k % c]) * inv[k % c];
}

/** Called with each batch's inputs as the model receives them (tests and sample views look at what training sees). */
export type InputsHook = (split: 'train' | 'validation', x: Float32Array, epoch: number) => void;

/** The pipeline of one run: built once the split is known. */
export class InputPipeline {
  constructor(
    private readonly shape: ImageShape,
    private readonly steps: readonly AugmentSetting[],
    readonly normalization: Normalization | undefined,
    private readonly seed: number,
    private readonly hook?: InputsHook,
  ) {}

  static of(
    s: { normalize?: NormalizeSetting; augment?: readonly AugmentSetting[] },
    data: Dataset,
    train: ArrayLike<number>,
    seed: number,
    hook?: InputsHook,
  ) {
    return new InputPipeline(data.shape, s.augment ?? [], resolveNormalization(s.normalize, data, train), seed, hook);
  }

  /** A training batch of the samples at `indices`: augmented, then normalised (the batch is changed in place). */
  train(batch: Batch, indices: ArrayLike<number>, epoch: number): Batch {
    if (this.steps.length > 0) augmentBatch(batch.x, this.shape, indices, this.steps, this.seed, epoch);
    return this.finish(batch, 'train', epoch);
  }

  /** A validation batch: normalised only. */
  validation(batch: Batch, epoch: number): Batch {
    return this.finish(batch, 'validation', epoch);
  }

  private finish(batch: Batch, which: 'train' | 'validation', epoch: number): Batch {
    if (this.normalization) normalizeInPlace(batch.x, this.normalization);
    this.hook?.(which, batch.x, epoch);
    return batch;
  }
}
