// Messages between the extension host and the background training worker (worker_threads), and their validators.

import { checkBackgroundBatch, type BackgroundBatch } from './training';
import { checkRunResults, type RunResults } from './run-results';
import { checkTrainingModelValue, type TrainingModel } from './training-model';
import { fail, finiteOrNull, guard, int, obj, oneOf, str, unknownType, type Checked } from './validate';

export type WorkerBackend = 'auto' | 'tensorflow' | 'wasm' | 'cpu';

/** What to train and where to write; paths are absolute, chosen by the host. */
export interface WorkerStart {
  /** The model and its settings, lowered by the host from the analysis its diagnostics came from: the worker parses nothing. */
  readonly training: TrainingModel;
  /** The model file: relative `folder("…")` paths resolve against its folder. */
  readonly file: string;
  readonly model: string;
  /** The run folder, as `stride train` uses it: `weights/` and `metrics.jsonl`. */
  readonly outDir: string;
  /** Where the training panel reads saved weights; the run's weights are copied there too. Null: nowhere else. */
  readonly panelDir: string | null;
  readonly epochs: number | null;
  readonly batch: number | null;
  /** Only the first `limit` training samples (quick runs, tests). */
  readonly limit: number | null;
  readonly backend: WorkerBackend;
  /** Data-parallel training threads (`stride train --threads`); null: one. At most MAX_TRAIN_THREADS. */
  readonly threads: number | null;
  /** Download cache for mnist, fashion_mnist and cifar10. */
  readonly cacheDir: string | null;
}

/** The most data-parallel training threads a run may ask for (each holds a replica of the model and a backend). */
export const MAX_TRAIN_THREADS = 64;

/** Host → worker. Stop ends the run after the current batch and keeps the weights trained so far. */
export type ToWorker =
  | { readonly type: 'start'; readonly options: WorkerStart }
  | { readonly type: 'stop' }
  | { readonly type: 'pause' }
  | { readonly type: 'resume' };

export interface EpochSummary {
  readonly epoch: number;
  readonly epochs: number;
  readonly loss: number;
  readonly accuracy: number | null;
  readonly valLoss: number | null;
  readonly valAccuracy: number | null;
  readonly seconds: number;
  readonly samplesPerSecond: number;
}

export interface RunSummary {
  readonly status: 'completed' | 'stopped' | 'diverged';
  /** Why the run ended early, in words. */
  readonly reason: string | null;
  readonly model: string;
  readonly backend: string;
  /** The last completed epoch: the final evaluation. */
  readonly final: EpochSummary | null;
  readonly epochsDone: number;
  /** The run's weights folder; null when nothing was saved (diverged). */
  readonly weightsDir: string | null;
  /** The copy the training panel reads; null when none was made. */
  readonly panelDir: string | null;
  readonly metricsLog: string;
}

/** Worker → host. */
export type FromWorker =
  | { readonly type: 'backend'; readonly description: string }
  | { readonly type: 'data'; readonly name: string; readonly samples: number; readonly classes: readonly string[] }
  /** Downloads and image loading, in words. */
  | { readonly type: 'status'; readonly message: string }
  | { readonly type: 'warning'; readonly message: string }
  | { readonly type: 'batch'; readonly progress: BackgroundBatch }
  | { readonly type: 'epoch'; readonly progress: EpochSummary }
  | { readonly type: 'saved'; readonly dir: string }
  | { readonly type: 'results'; readonly results: RunResults }
  | { readonly type: 'done'; readonly result: RunSummary }
  | { readonly type: 'error'; readonly message: string };

type Obj = Record<string, unknown>;

const nullableStr = (o: Obj, k: string, max: number): string | null => (o[k] === null ? null : str(o, k, max));
const nullableInt = (o: Obj, k: string, min: number): number | null => (o[k] === null ? null : int(o, k, min));

/** Paths come from the host; the worker still refuses relative ones, so nothing lands in its working folder by accident. */
function absolutePath(o: Obj, k: string): string {
  const p = str(o, k, 4096);
  return p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\') ? p : fail(`'${k}' must be an absolute path`);
}

function nullablePath(o: Obj, k: string): string | null {
  return o[k] === null ? null : absolutePath(o, k);
}

function checkStart(v: unknown): WorkerStart {
  const o = obj(v, 'options');
  const model = str(o, 'model', 128);
  if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(model) || model.includes('..')) return fail(`'model' must be a model name`);
  const training = checkTrainingModelValue(o.training);
  if (training.name !== model) return fail(`'training' is model '${training.name}', not '${model}'`);
  return {
    training,
    file: absolutePath(o, 'file'),
    model,
    outDir: absolutePath(o, 'outDir'),
    panelDir: nullablePath(o, 'panelDir'),
    epochs: nullableInt(o, 'epochs', 1),
    batch: nullableInt(o, 'batch', 1),
    limit: nullableInt(o, 'limit', 1),
    backend: oneOf(o, 'backend', ['auto', 'tensorflow', 'wasm', 'cpu'] as const),
    threads: o.threads === undefined || o.threads === null ? null : int(o, 'threads', 1, MAX_TRAIN_THREADS),
    cacheDir: nullablePath(o, 'cacheDir'),
  };
}

function toWorker(v: unknown): ToWorker {
  const o = obj(v, 'message');
  const type = o.type as ToWorker['type'];
  switch (type) {
    case 'start':
      return { type, options: checkStart(o.options) };
    case 'stop':
    case 'pause':
    case 'resume':
      return { type };
    default:
      return unknownType(type);
  }
}

function finite(o: Obj, k: string): number {
  return finiteOrNull(o, k) ?? fail(`'${k}' must be a finite number`);
}

function checkEpoch(v: unknown): EpochSummary {
  const o = obj(v, 'progress');
  const epochs = int(o, 'epochs', 1);
  return {
    epoch: int(o, 'epoch', 1, epochs),
    epochs,
    loss: finite(o, 'loss'),
    accuracy: finiteOrNull(o, 'accuracy'),
    valLoss: finiteOrNull(o, 'valLoss'),
    valAccuracy: finiteOrNull(o, 'valAccuracy'),
    seconds: finite(o, 'seconds'),
    samplesPerSecond: finite(o, 'samplesPerSecond'),
  };
}

function checkSummary(v: unknown): RunSummary {
  const o = obj(v, 'result');
  return {
    status: oneOf(o, 'status', ['completed', 'stopped', 'diverged'] as const),
    reason: nullableStr(o, 'reason', 10_000),
    model: str(o, 'model', 128),
    backend: str(o, 'backend', 1000),
    final: o.final === null ? null : checkEpoch(o.final),
    epochsDone: int(o, 'epochsDone'),
    weightsDir: nullablePath(o, 'weightsDir'),
    panelDir: nullablePath(o, 'panelDir'),
    metricsLog: absolutePath(o, 'metricsLog'),
  };
}

function names(v: unknown): string[] {
  if (!Array.isArray(v) || v.length > 100_000 || !v.every((c) => typeof c === 'string')) return fail(`'classes' must be a list of names`);
  return v as string[];
}

function fromWorker(v: unknown): FromWorker {
  const o = obj(v, 'message');
  const type = o.type as FromWorker['type'];
  switch (type) {
    case 'backend':
      return { type, description: str(o, 'description', 1000) };
    case 'data':
      return { type, name: str(o, 'name', 1000), samples: int(o, 'samples'), classes: names(o.classes) };
    case 'status':
    case 'warning':
    case 'error':
      return { type, message: str(o, 'message', 100_000) };
    case 'batch':
      return { type, progress: checkBackgroundBatch(o.progress) };
    case 'epoch':
      return { type, progress: checkEpoch(o.progress) };
    case 'saved':
      return { type, dir: absolutePath(o, 'dir') };
    case 'results':
      return { type, results: checkRunResults(o.results) };
    case 'done':
      return { type, result: checkSummary(o.result) };
    default:
      return unknownType(type);
  }
}

export const checkToWorker: (v: unknown) => Checked<ToWorker> = guard(toWorker);
export const checkFromWorker: (v: unknown) => Checked<FromWorker> = guard(fromWorker);
