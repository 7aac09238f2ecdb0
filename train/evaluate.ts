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

/**
 * Whether a validation pass can be judged per class: some samples, two classes or more, and a first output of one unit
 * (binary) or one per class. The Node trainer and the PyTorch run's results (cli/torch-results.ts) both ask this.
 */
export function judgedPerClass(samples: number, classes: number, units: number): boolean {
  return samples > 0 && classes >= 2 && (units === 1 || units === classes);
}

/** Per-class results of a classifier on the held-out samples; none without validation samples or class labels. */
export function evaluateSplit(data: Dataset, indices: Int32Array, pass: ValidationScores, form: OutputForm): Evaluation | undefined {
  if (!judgedPerClass(indices.length, data.classes.length, pass.units)) return undefined;
  const labels = Int32Array.from(indices, (i) => data.train.labels[i]);
  const predictions: Predictions = { scores: pass.scores, units: pass.units, labels, indices: Int32Array.from(indices), form };
  return { predictions, results: classResults(predictions, data.classes) };
}
