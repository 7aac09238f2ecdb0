// The one table of training defaults, and a model's `train` section with them filled in (page, worker and CLI alike).

import type { ModelAnalysis } from '../core/analyze';
import type { TrainConfig } from '../core/model/graph';
import type { Value } from '../core/model/values';
import { AUGMENTATIONS } from '../core/model/train-augment';
import { fineTuneOf } from './train-tune';
import type { AugmentSetting, DataSpec, EarlyStoppingSetting, OptimizerSetting, ScheduleSetting, TrainSettings } from '../protocol/training-model';

/**
 * What a model trains with when its `train` section (or the section itself) leaves a setting out. The seed is fixed so
 * that a run is reproducible by default: the same file gives the same initial weights, batches and split everywhere.
 */
export const TRAIN_DEFAULTS = {
  optimizer: 'adam',
  loss: 'crossentropy',
  metrics: ['accuracy'] as readonly string[],
  epochs: 5,
  batch: 32,
  validation: 0.1,
  seed: 1,
  data: { kind: 'shapes' } as DataSpec,
} as const;

/** Learning rates when `lr:` is left out: plain SGD wants a larger step than the adaptive optimizers. */
export const DEFAULT_LEARNING_RATE: Readonly<Record<string, number>> = { sgd: 0.01, adam: 0.001, adamw: 0.001, rmsprop: 0.001, adagrad: 0.001 };

/** A data setting that names no usable data set (`folder()` without its path): said in words. */
export interface DataError {
  readonly error: string;
}

/** The model's settings with every default filled in; the data setting may still be unusable (see `dataSpecOf`). */
export function trainSettings(model: Pick<ModelAnalysis, 'train' | 'graph'>): TrainSettings | DataError {
  const t: TrainConfig | undefined = model.train;
  const data = dataSpecOf(t?.data);
  if ('error' in data) return data;
  const optimizer = optimizerOf(t?.optimizer);
  const validation = t?.validation ?? TRAIN_DEFAULTS.validation;
  const monitor = validation > 0 ? 'val_loss' : 'loss';
  const fineTune = fineTuneOf(model);
  return {
    optimizer,
    loss: t?.loss ?? TRAIN_DEFAULTS.loss,
    metrics: t?.metrics ?? TRAIN_DEFAULTS.metrics,
    epochs: t?.epochs ?? TRAIN_DEFAULTS.epochs,
    batch: t?.batch ?? TRAIN_DEFAULTS.batch,
    validation,
    seed: t?.seed ?? TRAIN_DEFAULTS.seed,
    data,
    ...(t?.schedule ? { schedule: scheduleOf(t.schedule, optimizer.args.lr as number, monitor) } : {}),
    ...(t?.earlyStopping ? { earlyStopping: earlyStoppingOf(t.earlyStopping, monitor) } : {}),
    ...(t?.normalize ? { normalize: t.normalize } : {}),
    ...(t?.augment && t.augment.length > 0 ? { augment: augmentOf(t.augment) } : {}),
    ...(fineTune ? { fineTune } : {}),
  };
}

/** Augmentations as written, each argument left out taking its default (flip p 0.5, crop pad 4, rotate 15°, …). */
export function augmentOf(written: NonNullable<TrainConfig['augment']>): AugmentSetting[] {
  return written.map((a) => ({ kind: a.kind as AugmentSetting['kind'], amount: a.amount ?? AUGMENTATIONS[a.kind].fallback }));
}

/**
 * A schedule as written with PyTorch's defaults filled in (StepLR gamma 0.1; OneCycleLR pct_start 0.3, div_factor 25,
 * final_div_factor 1e4, max_lr the optimizer's lr; ReduceLROnPlateau factor 0.1, patience 10, threshold 1e-4).
 */
export function scheduleOf(written: NonNullable<TrainConfig['schedule']>, lr: number, monitor: string): ScheduleSetting {
  const a = written.args;
  const n = (key: string, fallback: number) => (typeof a[key] === 'number' ? (a[key] as number) : fallback);
  switch (written.name) {
    case 'step':
      return { kind: 'step', every: n('every', 1), gamma: n('gamma', 0.1) };
    case 'cosine':
      return { kind: 'cosine', warmup: n('warmup', 0), minLr: n('min_lr', 0) };
    case 'one_cycle':
      return {
        kind: 'one_cycle',
        maxLr: n('max_lr', lr),
        pctStart: n('pct_start', 0.3),
        divFactor: n('div_factor', 25),
        finalDivFactor: n('final_div_factor', 1e4),
      };
    case 'reduce_on_plateau':
      return {
        kind: 'reduce_on_plateau',
        monitor: typeof a.monitor === 'string' ? a.monitor : monitor,
        factor: n('factor', 0.1),
        patience: n('patience', 10),
        minLr: n('min_lr', 0),
        threshold: n('threshold', 1e-4),
      };
    default:
      return { kind: 'constant' };
  }
}

/** Early stopping as written; it watches the validation loss when there is a validation split, else the loss. */
export function earlyStoppingOf(written: NonNullable<TrainConfig['earlyStopping']>, monitor: string): EarlyStoppingSetting {
  return { monitor: written.monitor ?? monitor, patience: written.patience, minDelta: written.minDelta ?? 0 };
}

/** The optimizer as written, with its default learning rate when `lr:` is left out. */
export function optimizerOf(written: TrainConfig['optimizer']): OptimizerSetting {
  const name = written?.name ?? TRAIN_DEFAULTS.optimizer;
  return { name, args: { lr: DEFAULT_LEARNING_RATE[name] ?? DEFAULT_LEARNING_RATE.adam, ...written?.args } };
}

const REMOTE = ['mnist', 'fashion_mnist', 'cifar10'] as const;

/**
 * `data: shapes`, `shapes(count: 500)`, `folder("images")`, `"images"`, `mnist`, `fashion_mnist`, `cifar10`;
 * none means the built-in shapes. Folder paths are kept as written (the host resolves them against the file).
 */
export function dataSpecOf(value: Value | undefined): DataSpec | DataError {
  if (!value) return TRAIN_DEFAULTS.data;
  if (value.kind === 'string') return { kind: 'folder', path: value.value };
  const name = value.kind === 'word' || value.kind === 'call' ? value.name : undefined;
  const args = value.kind === 'call' ? value.args : [];
  if (name === 'shapes') {
    const numArg = (key: string) => {
      const a = args.find((x) => x.name === key);
      return a && a.value.kind === 'number' ? a.value.value : undefined;
    };
    return { kind: 'shapes', count: numArg('count'), noise: numArg('noise'), seed: numArg('seed') };
  }
  if (name === 'folder') {
    const first = args[0]?.value;
    if (!first || (first.kind !== 'string' && first.kind !== 'word')) return { error: 'folder(…) needs the folder path as a string, e.g. folder("images").' };
    return { kind: 'folder', path: first.kind === 'string' ? first.value : first.name };
  }
  if (name && (REMOTE as readonly string[]).includes(name)) return { kind: name as (typeof REMOTE)[number] };
  return { error: `Unknown data set ${name ?? value.kind}; known: shapes, folder("path"), ${REMOTE.join(', ')}.` };
}
