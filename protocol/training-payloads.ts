// Weights, checkpoints and epoch records as they cross between the training page, the host and the worker, with their
// validators; model names that become folder names.

import { checkTrainState, type TrainState } from './train-state';
import { bytes, fail, finiteOrNull, int, obj, oneOf, str } from './validate';

/** A tfjs weights manifest entry (the subset of tf.io.WeightsManifestEntry both sides need). */
export interface WeightSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: 'float32' | 'int32' | 'bool';
}

/** Weights in the tfjs format: specs plus one concatenated little-endian buffer. */
export interface WeightsPayload {
  readonly specs: readonly WeightSpec[];
  readonly data: Uint8Array;
}

/** Where a run stood when its weights were checkpointed, so a resumed run continues its charts and epoch count. */
export interface CheckpointPayload {
  readonly model: string;
  /** Epochs fully completed. */
  readonly epoch: number;
  readonly weights: WeightsPayload;
  readonly history: readonly EpochRecord[];
  /** Taken at an epoch's end: the optimizer's slots, schedule and early stopping too (protocol/train-state.ts). */
  readonly state?: TrainState;
}

export interface EpochRecord {
  readonly epoch: number;
  readonly loss: number;
  readonly accuracy: number | null;
  readonly valLoss: number | null;
  readonly valAccuracy: number | null;
}

/** Recorded beside saved weights so later runs and predictions can name classes and check inputs. */
export interface SavedMetadata {
  readonly inputShape: readonly (number | null)[];
  readonly classes: readonly string[];
  readonly dataset: string;
  readonly epochs: number;
  /** Per-channel statistics the inputs were normalised with (`normalize:`); predict applies them too. */
  readonly normalization?: { readonly mean: readonly number[]; readonly std: readonly number[] };
}

const DTYPES = ['float32', 'int32', 'bool'] as const;
const DTYPE_BYTES: Record<WeightSpec['dtype'], number> = { float32: 4, int32: 4, bool: 1 };

/** Checks each spec and that the buffer holds exactly the bytes the specs describe. */
export function checkWeights(v: unknown): WeightsPayload {
  const o = obj(v, 'weights');
  if (!Array.isArray(o.specs)) return fail(`'specs' must be an array`);
  let total = 0;
  const specs = o.specs.map((s, i) => {
    const e = obj(s, `specs[${i}]`);
    const shape = e.shape;
    if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0)) {
      return fail(`specs[${i}].shape must be a list of sizes`);
    }
    const dtype = oneOf(e, 'dtype', DTYPES);
    total += (shape as number[]).reduce((a, d) => a * d, 1) * DTYPE_BYTES[dtype];
    return { name: str(e, 'name', 1000), shape: shape as number[], dtype };
  });
  const data = bytes(o, 'data');
  if (data.byteLength !== total) return fail(`weight data has ${data.byteLength} bytes, the specs describe ${total}`);
  return { specs, data };
}

export function checkHistory(v: unknown): EpochRecord[] {
  if (!Array.isArray(v)) return fail(`'history' must be an array`);
  return v.map((r, i) => checkEpochRecord(r, `history[${i}]`));
}

export function checkEpochRecord(v: unknown, what: string): EpochRecord {
  const e = obj(v, what);
  const loss = finiteOrNull(e, 'loss');
  if (loss === null) return fail(`${what}.loss must be finite`);
  return {
    epoch: int(e, 'epoch'),
    loss,
    accuracy: finiteOrNull(e, 'accuracy'),
    valLoss: finiteOrNull(e, 'valLoss'),
    valAccuracy: finiteOrNull(e, 'valAccuracy'),
  };
}

export function checkCheckpoint(v: unknown): CheckpointPayload {
  const o = obj(v, 'checkpoint');
  const state = o.state === undefined || o.state === null ? undefined : checkTrainState(o.state);
  if (state && state.loop.epoch !== int(o, 'epoch')) return fail(`the checkpoint's state is of epoch ${state.loop.epoch}, not ${int(o, 'epoch')}`);
  const checkpoint = { model: str(o, 'model', 1000), epoch: int(o, 'epoch'), weights: checkWeights(o.weights), history: checkHistory(o.history) };
  return state ? { ...checkpoint, state } : checkpoint;
}

export function checkMetadata(v: unknown): SavedMetadata {
  const o = obj(v, 'metadata');
  const shape = o.inputShape;
  if (!Array.isArray(shape) || !shape.every((d) => d === null || (typeof d === 'number' && Number.isInteger(d) && d > 0)))
    return fail(`'inputShape' must be a list of sizes`);
  const normalization = o.normalization === undefined ? undefined : checkNormalization(o.normalization);
  return {
    inputShape: shape as (number | null)[],
    classes: names(o.classes),
    dataset: str(o, 'dataset', 1000),
    epochs: int(o, 'epochs'),
    ...(normalization ? { normalization } : {}),
  };
}

function checkNormalization(v: unknown): NonNullable<SavedMetadata['normalization']> {
  const o = obj(v, 'normalization');
  const values = (k: string, positive: boolean): number[] => {
    const x = o[k];
    if (!Array.isArray(x) || x.length < 1 || x.length > 64 || !x.every((n) => typeof n === 'number' && Number.isFinite(n) && (!positive || n > 0)))
      return fail(`'normalization.${k}' must be a list of 1 to 64 finite${positive ? ' positive' : ''} numbers`);
    return x as number[];
  };
  const mean = values('mean', false);
  const std = values('std', true);
  return mean.length === std.length ? { mean, std } : fail(`'normalization' needs as many means as standard deviations`);
}

export function names(v: unknown): string[] {
  if (!Array.isArray(v) || v.length < 1 || v.length > 100_000 || !v.every((c) => typeof c === 'string')) return fail(`'classes' must be a list of names`);
  return v as string[];
}

/** Model names become folder names: anything but letters, digits, `_`, `-` and `.` is refused rather than escaped. */
export function isSafeModelName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/.test(name) && !name.includes('..');
}
