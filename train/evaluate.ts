// What the last validation pass says per class (train/results.ts): built from the scores that pass already computed,
// so a finished run costs no second pass over the validation split.

import type { Dataset } from './data/dataset';
import type { OutputForm } from './objective';
import { classResults, type ClassResults, type Predictions } from './results';

export interface Evaluation {
  readonly predictions: Predictions;
  readonly results: ClassResults;
}

/** The first output's scores of a validation pass: `count × units`, row by row in the split's order. */
export interface ValidationScores {
  readonly scores: Float32Array;
  readonly units: number;
}

/** Per-class results of a classifier on the held-out samples; none without validation samples or class labels. */
export function evaluateSplit(data: Dataset, indices: Int32Array, pass: ValidationScores, form: OutputForm): Evaluation | undefined {
  if (indices.length === 0 || data.classes.length < 2) return undefined;
  if (pass.units !== 1 && pass.units !== data.classes.length) return undefined;
  const labels = Int32Array.from(indices, (i) => data.train.labels[i]);
  const predictions: Predictions = { scores: pass.scores, units: pass.units, labels, indices: Int32Array.from(indices), form };
  return { predictions, results: classResults(predictions, data.classes) };
}
