// Training sections: validated into a TrainConfig of the settings written (no defaults); bad entries become `invalid-training`.

import type { Diagnostic, Fix } from '../diagnostics';
import type * as ast from '../syntax/ast';
import { evalExpr, type EvalEnv } from './eval';
import type { TrainConfig } from './graph';
import { didYouMean, suggest } from './suggest';
import { lowerAugment, lowerNormalize } from './train-augment';
import { lowerEarlyStopping, lowerSchedule } from './train-schedule';
import { applyTuneEntry } from './train-tune';
import { formatValue, type Value } from './values';

export const DATASETS = ['shapes', 'mnist', 'fashion_mnist', 'cifar10', 'folder'] as const;
export const OPTIMIZERS: Record<string, readonly string[]> = {
  sgd: ['lr', 'momentum', 'nesterov', 'weight_decay'],
  adam: ['lr', 'beta1', 'beta2', 'epsilon', 'weight_decay'],
  adamw: ['lr', 'beta1', 'beta2', 'epsilon', 'weight_decay'],
  rmsprop: ['lr', 'rho', 'momentum', 'epsilon', 'weight_decay'],
  adagrad: ['lr', 'weight_decay'],
};
export const LOSSES = ['crossentropy', 'categorical_crossentropy', 'sparse_categorical_crossentropy', 'binary_crossentropy', 'mse', 'mae'] as const;
export const METRICS = ['accuracy', 'top5', 'precision', 'recall', 'mse', 'mae'] as const;
export const TRAIN_KEYS = [
  'data',
  'optimizer',
  'loss',
  'metrics',
  'epochs',
  'batch',
  'validation',
  'seed',
  'schedule',
  'early_stopping',
  'normalize',
  'augment',
  'freeze',
  'unfreeze',
  'init',
  'lr_mult',
] as const;

const NO_PARAMS = new Map();

export function lowerTrain(decl: ast.TrainDecl, models: ReadonlySet<string>, diags: Diagnostic[], env?: EvalEnv): TrainConfig {
  const err: Err = (span, message, fix) => diags.push({ code: 'invalid-training', severity: 'error', message, span, fixes: fix ? [fix] : undefined });
  if (!decl.model.missing && !models.has(decl.model.name)) {
    const s = suggest(decl.model.name, models, decl.model.span);
    diags.push({
      code: 'undefined-name',
      severity: 'error',
      message: `No model named '${decl.model.name}'${didYouMean(s, '.')}`,
      span: decl.model.span,
      fixes: s ? [s.fix] : undefined,
    });
  }
  const config: Mutable = { model: decl.model.name, span: decl.span };
  const seen = new Set<string>();
  for (const entry of decl.entries) {
    const key = entry.key.name;
    if (!(TRAIN_KEYS as readonly string[]).includes(key)) {
      const s = suggest(key, TRAIN_KEYS, entry.key.span);
      err(entry.key.span, `Unknown training setting '${key}'${didYouMean(s)} Settings: ${TRAIN_KEYS.join(', ')}.`, s?.fix);
      continue;
    }
    if (seen.has(key)) {
      err(entry.key.span, `'${key}' is set twice.`);
      continue;
    }
    seen.add(key);
    const v = evalExpr(entry.value, NO_PARAMS, diags, env);
    if (!v) continue;
    applyEntry(config, key, v, err);
  }
  return config;
}

type Err = (span: Value['span'], message: string, fix?: Fix) => void;
type Mutable = { -readonly [K in keyof TrainConfig]: TrainConfig[K] };

function applyEntry(config: Mutable, key: string, v: Value, err: Err): void {
  const word = v.kind === 'word' ? v.name : v.kind === 'call' ? v.name : undefined;
  const positiveInt = (name: string) =>
    v.kind === 'number' && Number.isInteger(v.value) && v.value >= 1
      ? v.value
      : (err(v.span, `'${name}' must be a positive integer, got ${formatValue(v)}.`), undefined);
  switch (key) {
    case 'data':
      if (word === undefined && v.kind !== 'string') return err(v.span, `'data' must name a data set (${DATASETS.join(', ')}) or be folder("path").`);
      if (word !== undefined && !(DATASETS as readonly string[]).includes(word)) {
        // In `folderr("x")` only the name is replaced, not the call.
        const at = v.kind === 'call' ? { start: v.span.start, end: v.span.start + word.length } : v.span;
        const s = suggest(word, DATASETS, at);
        return err(v.span, `Unknown data set '${word}'${didYouMean(s)} Known: ${DATASETS.join(', ')}.`, s?.fix);
      }
      config.data = v;
      return;
    case 'optimizer':
      return applyOptimizer(config, v, word, err);
    case 'loss':
      if (word === undefined || !(LOSSES as readonly string[]).includes(word))
        return err(v.span, `'loss' must be one of ${LOSSES.join(', ')}, got ${formatValue(v)}.`);
      config.loss = word;
      return;
    case 'metrics': {
      const items = v.kind === 'list' || v.kind === 'tuple' ? v.items : [v];
      const names: string[] = [];
      for (const item of items) {
        if (item.kind !== 'word' || !(METRICS as readonly string[]).includes(item.name))
          err(item.span, `Unknown metric ${formatValue(item)}; known: ${METRICS.join(', ')}.`);
        else names.push(item.name);
      }
      config.metrics = names;
      return;
    }
    case 'epochs':
      config.epochs = positiveInt('epochs') ?? config.epochs;
      return;
    case 'batch':
      config.batch = positiveInt('batch') ?? config.batch;
      return;
    case 'validation':
      if (v.kind !== 'number' || v.value < 0 || v.value >= 1) return err(v.span, `'validation' is the fraction held out, in [0, 1); got ${formatValue(v)}.`);
      config.validation = v.value;
      return;
    case 'seed':
      if (v.kind !== 'number' || !Number.isInteger(v.value)) return err(v.span, `'seed' must be an integer, got ${formatValue(v)}.`);
      config.seed = v.value;
      return;
    case 'schedule':
      config.schedule = lowerSchedule(v, err);
      return;
    case 'early_stopping':
      config.earlyStopping = lowerEarlyStopping(v, err);
      return;
    default:
      return key === 'normalize' || key === 'augment' ? applyInput(config, key, v, err) : applyTuneEntry(config, key, v, err);
  }
}

/** The input pipeline's settings (train-augment.ts). */
function applyInput(config: Mutable, key: 'normalize' | 'augment', v: Value, err: Err): void {
  if (key === 'normalize') config.normalize = lowerNormalize(v, err);
  else config.augment = lowerAugment(v, err);
}

function applyOptimizer(config: Mutable, v: Value, word: string | undefined, err: Err): void {
  const allowed = word !== undefined ? OPTIMIZERS[word] : undefined;
  if (!word || !allowed) {
    // Named only, with no fix: the call's arguments may not suit the optimizer meant.
    const s = word ? suggest(word, Object.keys(OPTIMIZERS), v.span) : undefined;
    return err(v.span, `Unknown optimizer ${formatValue(v)}${didYouMean(s)} Known: ${Object.keys(OPTIMIZERS).join(', ')}.`);
  }
  const args: Record<string, number | boolean> = {};
  for (const a of v.kind === 'call' ? v.args : []) {
    if (!a.name || !allowed.includes(a.name)) {
      err(a.value.span, `${word}() takes named settings: ${allowed.join(', ')}${a.name ? `; '${a.name}' is not one of them` : ''}.`);
      continue;
    }
    const val = a.value;
    if (a.name === 'nesterov') {
      if (val.kind === 'word' && (val.name === 'true' || val.name === 'false')) args.nesterov = val.name === 'true';
      else err(val.span, `'nesterov' must be true or false.`);
      continue;
    }
    if (val.kind !== 'number' || val.value < 0 || (a.name === 'lr' && val.value === 0)) {
      err(val.span, `'${a.name}' must be a ${a.name === 'lr' ? 'positive' : 'non-negative'} number, got ${formatValue(val)}.`);
      continue;
    }
    if ((a.name === 'momentum' || a.name.startsWith('beta') || a.name === 'rho') && val.value >= 1) {
      err(val.span, `'${a.name}' must be below 1, got ${val.value}.`);
      continue;
    }
    args[a.name] = val.value;
  }
  config.optimizer = { name: word, args };
}
