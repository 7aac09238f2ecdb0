// The `normalize:` statistics in the page: what shown samples go through before the model, and what is saved beside
// the weights (so `stride predict` and Run Model on Image feed the model what training fed it).

import type { TrainingModel } from '../../protocol/training-model';
import type { SavedMetadata } from '../../protocol/training-payloads';
import type { Dataset } from '../../train/data/dataset';
import { runNormalization, type Normalization } from '../../train/input-pipeline';
import type { Sample } from './activations';

/** `auto` reads every training image: worked out once per data set and settings. */
const cache = new WeakMap<Dataset, Map<string, Normalization | undefined>>();

/** The statistics a run of these settings on this data uses (the trainer's split), or undefined without `normalize:`. */
export function normalizationOf(training: TrainingModel | undefined, data: Dataset | undefined): Normalization | undefined {
  const s = training?.settings;
  if (!s?.normalize || !data) return undefined;
  const key = JSON.stringify([s.normalize, s.validation, s.seed]);
  const known = cache.get(data) ?? new Map<string, Normalization | undefined>();
  cache.set(data, known);
  if (!known.has(key)) known.set(key, runNormalization(s, data));
  return known.get(key);
}

/** The sample with the statistics its model expects (the picture itself stays as loaded). */
export function withNormalization(sample: Sample, training: TrainingModel | undefined, data: Dataset | undefined): Sample {
  const normalization = normalizationOf(training, data);
  return normalization ? { ...sample, normalization } : sample;
}

/** What is recorded beside weights the page saves. */
export function savedMetadata(training: TrainingModel, data: Dataset, inputShape: readonly number[], epochs: number): SavedMetadata {
  const normalization = normalizationOf(training, data);
  return { inputShape: [...inputShape], classes: data.classes, dataset: data.name, epochs, ...(normalization ? { normalization } : {}) };
}
