// The `normalize:` statistics in the page, worked out once per data set and settings: shown samples go through them
// before the model (activations.ts), and they are saved beside the weights (checkpoint.ts).

import type { TrainingModel } from '../../protocol/training-model';
import type { Dataset } from '../../train/data/dataset';
import { runNormalization, type Normalization } from '../../train/input-pipeline';

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
