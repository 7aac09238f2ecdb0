// A finished run's per-class results (train/results.ts ClassResults) as a background run sends them to the panel,
// with the pixels of its most confidently wrong samples (the panel has no copy of the worker's data), and their validator.

import { bytes, fail, int, obj, str, type Obj } from './validate';

export interface ClassScoreWire {
  readonly name: string;
  readonly support: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly accuracy: number;
}

export interface WrongWire {
  /** Index into `gallery` (not into the worker's data set). */
  readonly index: number;
  readonly label: number;
  readonly predicted: number;
  readonly confidence: number;
}

export interface RunResults {
  readonly classes: readonly string[];
  readonly samples: number;
  readonly accuracy: number;
  readonly topK?: { readonly k: number; readonly accuracy: number };
  readonly confusion: readonly (readonly number[])[];
  readonly perClass: readonly ClassScoreWire[];
  readonly wrong: readonly WrongWire[];
  /** The wrong samples' images, one after another, channels-last, 0–255. */
  readonly gallery: { readonly shape: readonly [number, number, number]; readonly pixels: Uint8Array };
}

/** At most this many classes and wrong samples cross: the panel draws no more. */
const MAX_CLASSES = 1000;
const MAX_WRONG = 64;

const share = (o: Obj, k: string): number => {
  const v = o[k];
  return typeof v === 'number' && v >= 0 && v <= 1 ? v : fail(`'${k}' must be a number in [0, 1]`);
};

function checkScore(v: unknown): ClassScoreWire {
  const o = obj(v, 'perClass[]');
  return {
    name: str(o, 'name', 1000),
    support: int(o, 'support'),
    precision: share(o, 'precision'),
    recall: share(o, 'recall'),
    f1: share(o, 'f1'),
    accuracy: share(o, 'accuracy'),
  };
}

function checkGallery(v: unknown, wrong: number): RunResults['gallery'] {
  const o = obj(v, 'gallery');
  const s = o.shape;
  if (!Array.isArray(s) || s.length !== 3 || !s.every((d) => Number.isInteger(d) && d >= 1 && d <= 4096) || !(s[2] === 1 || s[2] === 3))
    return fail(`'gallery.shape' must be [height, width, 1 or 3]`);
  const pixels = bytes(o, 'pixels');
  if (pixels.length !== wrong * s[0] * s[1] * s[2]) return fail(`'gallery.pixels' must hold ${wrong} images of ${s.join('×')}`);
  return { shape: [s[0], s[1], s[2]], pixels };
}

export function checkRunResults(v: unknown): RunResults {
  const o = obj(v, 'results');
  const classes = o.classes;
  if (!Array.isArray(classes) || classes.length < 1 || classes.length > MAX_CLASSES || !classes.every((c) => typeof c === 'string' && c.length <= 1000))
    return fail(`'classes' must be a list of at most ${MAX_CLASSES} names`);
  const n = classes.length;
  const matrix = o.confusion;
  if (
    !Array.isArray(matrix) ||
    matrix.length !== n ||
    !matrix.every((r) => Array.isArray(r) && r.length === n && r.every((c) => Number.isInteger(c) && c >= 0))
  )
    return fail(`'confusion' must be ${n}×${n} counts`);
  if (!Array.isArray(o.perClass) || o.perClass.length !== n) return fail(`'perClass' must have one entry per class`);
  if (!Array.isArray(o.wrong) || o.wrong.length > MAX_WRONG) return fail(`'wrong' must be a list of at most ${MAX_WRONG} samples`);
  const wrong = o.wrong.map((w, i) => {
    const e = obj(w, 'wrong[]');
    return { index: int(e, 'index', i, i), label: int(e, 'label', 0, n - 1), predicted: int(e, 'predicted', 0, n - 1), confidence: share(e, 'confidence') };
  });
  const topK = o.topK === undefined ? undefined : obj(o.topK, 'topK');
  return {
    classes: classes as string[],
    samples: int(o, 'samples'),
    accuracy: share(o, 'accuracy'),
    ...(topK ? { topK: { k: int(topK, 'k', 1, n), accuracy: share(topK, 'accuracy') } } : {}),
    confusion: matrix as number[][],
    perClass: o.perClass.map(checkScore),
    wrong,
    gallery: checkGallery(o.gallery, wrong.length),
  };
}
