// Training sections: validated into a TrainConfig of the settings written (no defaults); bad entries become `invalid-training`.

import type { Diagnostic } from '../diagnostics';
import type * as ast from '../syntax/ast';
import { evalExpr } from './eval';
import type { TrainConfig } from './graph';
import { closest } from './suggest';
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
export const TRAIN_KEYS = ['data', 'optimizer', 'loss', 'metrics', 'epochs', 'batch', 'validation', 'seed'] as const;

const NO_PARAMS = new Map();

export function lowerTrain(decl: ast.TrainDecl, models: ReadonlySet<string>, diags: Diagnostic[]): TrainConfig {
  const err = (span: ast.Expr['span'], message: string, fix?: { from: ast.Expr['span']; to: string }) =>
    diags.push({
      code: 'invalid-training',
      severity: 'error',
      message,
      span,
      fixes: fix ? [{ title: `Change to '${fix.to}'`, edits: [{ span: fix.from, newText: fix.to }], preferred: true }] : undefined,
    });
  if (!decl.model.missing && !models.has(decl.model.name)) {
    const guess = closest(decl.model.name, models);
    diags.push({
      code: 'undefined-name',
      severity: 'error',
      message: `No model named '${decl.model.name}'${guess ? `; did you mean '${guess}'?` : '.'}`,
      span: decl.model.span,
      fixes: guess ? [{ title: `Change to '${guess}'`, edits: [{ span: decl.model.span, newText: guess }], preferred: true }] : undefined,
    });
  }
  const config: Mutable = { model: decl.model.name, span: decl.span };
  const seen = new Set<string>();
  for (const entry of decl.entries) {
    const key = entry.key.name;
    if (!(TRAIN_KEYS as readonly string[]).includes(key)) {
      const guess = closest(key, TRAIN_KEYS);
      err(
        entry.key.span,
        `Unknown training setting '${key}'${guess ? `; did you mean '${guess}'?` : ''} Settings: ${TRAIN_KEYS.join(', ')}.`,
        guess ? { from: entry.key.span, to: guess } : undefined,
      );
      continue;
    }
    if (seen.has(key)) {
      err(entry.key.span, `'${key}' is set twice.`);
      continue;
    }
    seen.add(key);
    const v = evalExpr(entry.value, NO_PARAMS, diags);
    if (!v) continue;
    applyEntry(config, key, v, err);
  }
  return config;
}

type Err = (span: Value['span'], message: string, fix?: { from: Value['span']; to: string }) => void;
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
        const guess = closest(word, DATASETS);
        return err(
          v.span,
          `Unknown data set '${word}'${guess ? `; did you mean '${guess}'?` : ''} Known: ${DATASETS.join(', ')}.`,
          guess ? { from: v.kind === 'call' ? { start: v.span.start, end: v.span.start + word.length } : v.span, to: guess } : undefined,
        );
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
  }
}

function applyOptimizer(config: Mutable, v: Value, word: string | undefined, err: Err): void {
  const allowed = word !== undefined ? OPTIMIZERS[word] : undefined;
  if (!word || !allowed) {
    const guess = word ? closest(word, Object.keys(OPTIMIZERS)) : undefined;
    return err(v.span, `Unknown optimizer ${formatValue(v)}${guess ? `; did you mean '${guess}'?` : ''} Known: ${Object.keys(OPTIMIZERS).join(', ')}.`);
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
