// What a finished run says about each class: the confusion matrix, per-class precision, recall, F1 and accuracy,
// top-k accuracy and the most confidently wrong samples — from the validation split's predicted probabilities.
// Plain numbers in and out (no tfjs), so the CLI, the panel and tests share one definition.

import type { OutputForm } from './objective';

export interface ClassScore {
  readonly name: string;
  /** Validation samples of this class. */
  readonly support: number;
  /** Of the samples predicted as this class, the share that are (0 when none is predicted as it). */
  readonly precision: number;
  /** Of the samples of this class, the share predicted as it (0 when the class has no sample). */
  readonly recall: number;
  readonly f1: number;
  /** One class against the rest: (true positives + true negatives) / samples. */
  readonly accuracy: number;
}

export interface WrongPrediction {
  /** The sample's index in the data set's training images (the split holds indices into it). */
  readonly index: number;
  readonly label: number;
  readonly predicted: number;
  /** The probability given to the predicted class. */
  readonly confidence: number;
}

export interface ClassResults {
  readonly classes: readonly string[];
  readonly samples: number;
  readonly accuracy: number;
  /** Top-k accuracy: k = 5 beyond 5 classes, 2 for 3 to 5 classes; absent for fewer (it would always be 100%). */
  readonly topK?: { readonly k: number; readonly accuracy: number };
  /** rows: true class, columns: predicted class. */
  readonly confusion: readonly (readonly number[])[];
  readonly perClass: readonly ClassScore[];
  /** The most confidently wrong samples first. */
  readonly wrong: readonly WrongPrediction[];
}

export interface Predictions {
  /** `count × units` scores, row by row: probabilities (softmax, sigmoid) or raw outputs. */
  readonly scores: Float32Array;
  readonly units: number;
  readonly labels: Int32Array;
  /** Each row's index in the data set. */
  readonly indices: Int32Array;
  readonly form: OutputForm;
}

/** The predicted class and its confidence of one row: argmax (ties: the first), or a single unit thresholded at 0.5 (0 for raw outputs). */
export function decide(p: Predictions, row: number): { predicted: number; confidence: number } {
  if (p.units === 1) {
    const v = p.scores[row];
    const prob = p.form === 'raw' ? 1 / (1 + Math.exp(-v)) : v;
    return prob > 0.5 ? { predicted: 1, confidence: prob } : { predicted: 0, confidence: 1 - prob };
  }
  let best = 0;
  for (let u = 1; u < p.units; u++) if (p.scores[row * p.units + u] > p.scores[row * p.units + best]) best = u;
  return { predicted: best, confidence: p.scores[row * p.units + best] };
}

function inTopK(p: Predictions, row: number, k: number): boolean {
  const label = p.labels[row];
  const own = p.scores[row * p.units + label];
  let above = 0;
  for (let u = 0; u < p.units; u++) if (p.scores[row * p.units + u] > own || (p.scores[row * p.units + u] === own && u < label)) above++;
  return above < k;
}

function scores(confusion: readonly (readonly number[])[], classes: readonly string[], samples: number): ClassScore[] {
  return classes.map((name, c) => {
    const support = confusion[c].reduce((s, v) => s + v, 0);
    const predictedAs = confusion.reduce((s, row) => s + row[c], 0);
    const tp = confusion[c][c];
    const precision = predictedAs > 0 ? tp / predictedAs : 0;
    const recall = support > 0 ? tp / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    const tn = samples - support - predictedAs + tp;
    return { name, support, precision, recall, f1, accuracy: samples > 0 ? (tp + tn) / samples : 0 };
  });
}

export function classResults(p: Predictions, classes: readonly string[], wrongCount = 16): ClassResults {
  const n = Math.max(classes.length, 2);
  const names = classes.length >= n ? classes : [...classes, ...Array.from({ length: n - classes.length }, (_, i) => `class ${classes.length + i}`)];
  const confusion = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const k = p.units > 5 ? 5 : p.units >= 3 ? 2 : 0;
  let correct = 0;
  let top = 0;
  const wrong: WrongPrediction[] = [];
  for (let row = 0; row < p.labels.length; row++) {
    const { predicted, confidence } = decide(p, row);
    const label = p.labels[row];
    confusion[label][predicted]++;
    if (predicted === label) correct++;
    else wrong.push({ index: p.indices[row], label, predicted, confidence });
    if (k > 0 && inTopK(p, row, k)) top++;
  }
  wrong.sort((a, b) => b.confidence - a.confidence || a.index - b.index);
  const samples = p.labels.length;
  const accuracy = samples > 0 ? correct / samples : 0;
  return {
    classes: names,
    samples,
    accuracy,
    ...(k > 0 ? { topK: { k, accuracy: samples > 0 ? top / samples : 0 } } : {}),
    confusion,
    perClass: scores(confusion, names, samples),
    wrong: wrong.slice(0, wrongCount),
  };
}
