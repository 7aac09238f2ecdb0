// The lowered model a training run needs, as plain data (graph + settings): what the host sends to the page and the worker.

import { checkFineTune, type FineTuneSetting } from './training-tune';
import { fail, finiteOrNull, guard, int, isObject, obj, oneOf, str, strings, type Checked, type Obj } from './validate';

/** A resolved layer argument, as the core layer registry binds it. */
export type ArgValue = number | boolean | string | readonly number[] | null;

/** What a `data:` setting asks for: the built-in shapes, an image folder (path as written), or a downloadable set. */
export type DataSpec =
  | { readonly kind: 'shapes'; readonly count?: number; readonly noise?: number; readonly seed?: number }
  | { readonly kind: 'folder'; readonly path: string }
  | { readonly kind: 'mnist' | 'fashion_mnist' | 'cifar10' };

export interface OptimizerSetting {
  readonly name: string;
  readonly args: Readonly<Record<string, number | boolean>>;
}

/** A learning-rate schedule with every default filled in (train/schedule.ts gives each its formula). */
export type ScheduleSetting =
  | { readonly kind: 'constant' }
  | { readonly kind: 'step'; readonly every: number; readonly gamma: number }
  | { readonly kind: 'cosine'; readonly warmup: number; readonly minLr: number }
  | { readonly kind: 'one_cycle'; readonly maxLr: number; readonly pctStart: number; readonly divFactor: number; readonly finalDivFactor: number }
  | {
      readonly kind: 'reduce_on_plateau';
      readonly monitor: string;
      readonly factor: number;
      readonly patience: number;
      readonly minLr: number;
      readonly threshold: number;
    };

/** Early stopping (Keras's rule): `patience` epochs without an improvement of `monitor` beyond `minDelta` end the run. */
export interface EarlyStoppingSetting {
  readonly monitor: string;
  readonly patience: number;
  readonly minDelta: number;
}

/** Input normalisation: `auto` is worked out from the training split when a run starts; `fixed` is per channel (one value: all). */
export type NormalizeSetting = { readonly kind: 'auto' } | { readonly kind: 'fixed'; readonly mean: readonly number[]; readonly std: readonly number[] };

export const AUGMENT_KINDS = ['flip', 'crop', 'rotate', 'translate', 'brightness', 'contrast', 'cutout'] as const;

/** One augmentation with its argument filled in (train/augment.ts gives each its meaning). */
export interface AugmentSetting {
  readonly kind: (typeof AUGMENT_KINDS)[number];
  readonly amount: number;
}

/** A `train` section with every default filled in (ide/train-settings.ts holds the one table of defaults). */
export interface TrainSettings {
  readonly optimizer: OptimizerSetting;
  readonly loss: string;
  readonly metrics: readonly string[];
  readonly epochs: number;
  readonly batch: number;
  readonly validation: number;
  /** Always set: runs are reproducible unless the section picks another seed. */
  readonly seed: number;
  readonly data: DataSpec;
  /** Absent means a constant learning rate. */
  readonly schedule?: ScheduleSetting;
  readonly earlyStopping?: EarlyStoppingSetting;
  /** Absent means the pixels as loaded, in [0, 1]. */
  readonly normalize?: NormalizeSetting;
  /** Applied in order to each training sample, never to validation samples; absent or empty means none. */
  readonly augment?: readonly AugmentSetting[];
  /** Absent: every layer trains at the optimizer's lr from the seeded initial weights. */
  readonly fineTune?: FineTuneSetting;
}

/** One layer of the lowered graph; its `LayerDef` is looked up again by kind where the model is built. */
export interface TrainingNode {
  readonly id: number;
  readonly name: string;
  readonly kind: string;
  readonly args: Readonly<Record<string, ArgValue>>;
  /** Producer node ids, in order. */
  readonly inputs: readonly number[];
  /** Output shape without the batch dimension; null when the layer has errors or its shape is unknown. */
  readonly shape: readonly (number | null)[] | null;
}

export interface TrainingModel {
  readonly name: string;
  /** In id order: `nodes[i].id === i`. */
  readonly nodes: readonly TrainingNode[];
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
  /** Whether the document has a `train` section for this model (else the settings are all defaults). */
  readonly trained: boolean;
  readonly settings: TrainSettings;
}

/** At most this many layers: far beyond any real model, small enough to refuse a runaway message. */
const MAX_NODES = 100_000;

const isDim = (d: unknown): boolean => d === null || (typeof d === 'number' && Number.isInteger(d) && d >= 0);

function argValue(v: unknown, what: string): ArgValue {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number' && !Number.isNaN(v)) return v;
  if (Array.isArray(v) && v.length <= 64 && v.every((x) => typeof x === 'number' && Number.isFinite(x))) return v as number[];
  return fail(`${what} must be a number, boolean, string, list of numbers or null`);
}

function ids(o: Obj, k: string, below: number): number[] {
  const v = o[k];
  if (!Array.isArray(v) || v.length > MAX_NODES || !v.every((id) => typeof id === 'number' && Number.isInteger(id) && id >= 0 && id < below))
    return fail(`'${k}' must be a list of node ids below ${below}`);
  return v as number[];
}

function checkNode(v: unknown, index: number): TrainingNode {
  const o = obj(v, `nodes[${index}]`);
  if (o.id !== index) return fail(`nodes[${index}].id must be ${index}`);
  if (!isObject(o.args)) return fail(`nodes[${index}].args must be an object`);
  const args = Object.fromEntries(Object.entries(o.args).map(([k, x]) => [k, argValue(x, `nodes[${index}].args.${k}`)]));
  const shape = o.shape;
  if (shape !== null && (!Array.isArray(shape) || shape.length > 16 || !shape.every(isDim)))
    return fail(`nodes[${index}].shape must be a list of sizes or null`);
  return { id: index, name: str(o, 'name', 1000), kind: str(o, 'kind', 200), args, inputs: ids(o, 'inputs', index), shape: shape as (number | null)[] | null };
}

function checkData(v: unknown): DataSpec {
  const o = obj(v, 'data');
  const kind = oneOf(o, 'kind', ['shapes', 'folder', 'mnist', 'fashion_mnist', 'cifar10'] as const);
  if (kind === 'folder') return { kind, path: str(o, 'path', 10_000) };
  if (kind !== 'shapes') return { kind };
  // Only the settings present: a spec that went through JSON compares equal to the one sent.
  const present = ['count', 'noise', 'seed'].filter((k) => o[k] !== undefined);
  return { kind, ...Object.fromEntries(present.map((k) => [k, finiteOrNull(o, k) ?? fail(`'${k}' must be a finite number`)])) };
}

function checkOptimizer(v: unknown): OptimizerSetting {
  const o = obj(v, 'optimizer');
  if (!isObject(o.args)) return fail(`'optimizer.args' must be an object`);
  const args = o.args;
  for (const [k, x] of Object.entries(args))
    if (typeof x !== 'boolean' && !(typeof x === 'number' && Number.isFinite(x))) return fail(`optimizer setting '${k}' must be a number or boolean`);
  return { name: str(o, 'name', 100), args: args as Record<string, number | boolean> };
}

function checkSettings(v: unknown): TrainSettings {
  const o = obj(v, 'settings');
  const validation = finiteOrNull(o, 'validation');
  if (validation === null || validation < 0 || validation >= 1) return fail(`'validation' must be a fraction in [0, 1)`);
  return {
    optimizer: checkOptimizer(o.optimizer),
    loss: str(o, 'loss', 100),
    metrics: strings(o, 'metrics', 100, 100),
    epochs: int(o, 'epochs', 1, 1_000_000),
    batch: int(o, 'batch', 1, 1_000_000),
    validation,
    seed: int(o, 'seed', -(2 ** 53), 2 ** 53),
    data: checkData(o.data),
    ...(o.schedule === undefined ? {} : { schedule: checkSchedule(o.schedule) }),
    ...(o.earlyStopping === undefined ? {} : { earlyStopping: checkEarlyStopping(o.earlyStopping) }),
    ...(o.normalize === undefined ? {} : { normalize: checkNormalize(o.normalize) }),
    ...(o.augment === undefined ? {} : { augment: checkAugment(o.augment) }),
    ...(o.fineTune === undefined ? {} : { fineTune: checkFineTune(o.fineTune) }),
  };
}

function channelValues(o: Obj, k: string, positive: boolean): number[] {
  const v = o[k];
  if (!Array.isArray(v) || v.length === 0 || v.length > 64 || !v.every((x) => typeof x === 'number' && Number.isFinite(x) && (!positive || x > 0)))
    return fail(`'normalize.${k}' must be a list of 1 to 64 finite${positive ? ' positive' : ''} numbers`);
  return v as number[];
}

function checkNormalize(v: unknown): NormalizeSetting {
  const o = obj(v, 'normalize');
  const kind = oneOf(o, 'kind', ['auto', 'fixed'] as const);
  return kind === 'auto' ? { kind } : { kind, mean: channelValues(o, 'mean', false), std: channelValues(o, 'std', true) };
}

/** Each amount's range (the language's rules, core/model/train-augment.ts): sizes are whole pixels, the rest fractions or degrees. */
const AUGMENT_RANGES: Readonly<Record<AugmentSetting['kind'], readonly [number, number, 'whole' | 'real']>> = {
  flip: [0, 1, 'real'],
  crop: [1, 1024, 'whole'],
  rotate: [0, 180, 'real'],
  translate: [1, 1024, 'whole'],
  brightness: [0, 1, 'real'],
  contrast: [0, 1, 'real'],
  cutout: [1, 1024, 'whole'],
};

/** Every amount in its range: sizes and angles the pure functions (train/augment.ts) can use as they are. */
function checkAugment(v: unknown): AugmentSetting[] {
  if (!Array.isArray(v) || v.length > AUGMENT_KINDS.length) return fail(`'augment' must be a list of at most ${AUGMENT_KINDS.length} augmentations`);
  return v.map((x, i) => {
    const o = obj(x, `augment[${i}]`);
    const kind = oneOf(o, 'kind', AUGMENT_KINDS);
    const amount = finiteOrNull(o, 'amount');
    const [lo, hi, numbers] = AUGMENT_RANGES[kind];
    if (amount === null || amount < lo || amount > hi || (numbers === 'whole' && !Number.isInteger(amount)))
      return fail(`'augment[${i}].amount' of ${kind} must be a ${numbers === 'whole' ? 'whole ' : ''}number in [${lo}, ${hi}]`);
    return { kind, amount };
  });
}

const SCHEDULE_FIELDS: Readonly<Record<ScheduleSetting['kind'], readonly string[]>> = {
  constant: [],
  step: ['every', 'gamma'],
  cosine: ['warmup', 'minLr'],
  one_cycle: ['maxLr', 'pctStart', 'divFactor', 'finalDivFactor'],
  reduce_on_plateau: ['factor', 'patience', 'minLr', 'threshold'],
};

/** Every number finite and non-negative; the trainer's formulas need nothing else to stay finite. */
function checkSchedule(v: unknown): ScheduleSetting {
  const o = obj(v, 'schedule');
  const kind = oneOf(o, 'kind', Object.keys(SCHEDULE_FIELDS) as ScheduleSetting['kind'][]);
  const numbers = Object.fromEntries(
    SCHEDULE_FIELDS[kind].map((k) => {
      const n = finiteOrNull(o, k);
      return [k, n !== null && n >= 0 ? n : fail(`schedule '${k}' must be a finite number, 0 or more`)];
    }),
  );
  return (kind === 'reduce_on_plateau' ? { kind, monitor: str(o, 'monitor', 100), ...numbers } : { kind, ...numbers }) as ScheduleSetting;
}

function checkEarlyStopping(v: unknown): EarlyStoppingSetting {
  const o = obj(v, 'earlyStopping');
  const minDelta = finiteOrNull(o, 'minDelta');
  if (minDelta === null || minDelta < 0) return fail(`'earlyStopping.minDelta' must be a finite number, 0 or more`);
  return { monitor: str(o, 'monitor', 100), patience: int(o, 'patience', 0, 1_000_000), minDelta };
}

function trainingModel(v: unknown): TrainingModel {
  const o = obj(v, 'training model');
  if (!Array.isArray(o.nodes) || o.nodes.length > MAX_NODES) return fail(`'nodes' must be a list of at most ${MAX_NODES} layers`);
  const nodes = o.nodes.map(checkNode);
  if (typeof o.trained !== 'boolean') return fail(`'trained' must be a boolean`);
  return {
    name: str(o, 'name', 1000),
    nodes,
    inputs: ids(o, 'inputs', nodes.length),
    outputs: ids(o, 'outputs', nodes.length),
    trained: o.trained,
    settings: checkSettings(o.settings),
  };
}

/** Validates a training model on receipt (page, worker): every id in range, every value of the expected kind. */
export const checkTrainingModel: (v: unknown) => Checked<TrainingModel> = guard(trainingModel);

/** The checker itself, for messages that carry a training model inside them. */
export { trainingModel as checkTrainingModelValue };
