// Node entry points for the CLI and background workers: train a training model (lowered by the host), and predict with saved weights.

import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { TrainingModel } from '../../protocol/training-model';
import { selectBackend, type BackendName, type SelectedBackend } from './backends/select';
import type { TrainControl } from '../control';
import type { Dataset } from '../data/dataset';
import { limitData } from '../data/dataset';
import { loadImage } from './data/folder';
import { loadData } from './data/load';
import type { DownloadProgress, FetchOptions } from './data/node-io';
import type { DataSpec } from '../data/spec';
import { checkDataFits } from '../data/validate';
import { buildModel } from '../model-builder';
import { normalizeInPlace, runNormalization, type InputsHook } from '../input-pipeline';
import { outputForm } from '../objective';
import { trainModel, type BatchProgress, type EpochProgress, type TrainResult } from '../trainer';
import { resumePlan, type ResumePlan } from './resume';
import type { RunResults } from '../../protocol/run-results';
import { withGallery } from '../results-gallery';
import { findSavedWeights, type StrideMetadata } from './saved-files';
import { cleanSettings } from './logs/clean-settings';
import { writeResults } from './logs/results-files';
import { RunLogs } from './logs/run-logs';
import { MAX_TRAIN_THREADS } from '../../protocol/train-worker';
import { startPartners, type ThreadPartner } from './parallel/partner';
import { loadInferenceModel } from './inference-model';
import { loadWeightsInto, saveModel } from './weights';

export type ProgressEvent =
  | { readonly type: 'backend'; readonly description: string }
  | { readonly type: 'download'; readonly progress: DownloadProgress }
  | { readonly type: 'load'; readonly loaded: number; readonly total: number }
  | { readonly type: 'data'; readonly name: string; readonly samples: number; readonly classes: readonly string[]; readonly shape: readonly number[] }
  | { readonly type: 'batch'; readonly progress: BatchProgress }
  | { readonly type: 'epoch'; readonly progress: EpochProgress }
  | { readonly type: 'saved'; readonly dir: string }
  /** A completed run's per-class results, with the wrong samples' images (for a panel without the data). */
  | { readonly type: 'results'; readonly results: RunResults };

export interface RunTrainingOptions {
  /** The model and its settings, lowered by the host from the analysis its diagnostics came from. */
  readonly model: TrainingModel;
  /** The source file's path: relative `folder("…")` paths are resolved against its folder. */
  readonly file?: string;
  readonly epochs?: number;
  readonly batch?: number;
  /** Replaces the `data:` setting. */
  readonly dataOverride?: DataSpec;
  /** Uses only the first `limit` training samples (quick runs). */
  readonly limit?: number;
  /** Run folder: `weights/` (model.json + weights.bin, saved atomically) and `metrics.jsonl` go here. */
  readonly outDir: string;
  /** Weights to start from (`--init`): a weights folder, or a run folder with `weights/`, of the same model (fine-tuning); replaces the section's `init:`. */
  readonly initDir?: string;
  /** Continues the run whose checkpoint is in `outDir` (see train/node/resume.ts); else any old checkpoint is removed. */
  readonly resume?: boolean;
  /** TensorBoard log folder (`--tensorboard`): event files under `train/` and `validation/`. */
  readonly tensorboardDir?: string;
  readonly onProgress?: (event: ProgressEvent) => void;
  readonly signal?: AbortSignal;
  /** Pause/resume/stop from outside (background workers). */
  readonly control?: TrainControl;
  /**
   * Threads that train data-parallel (train/node/parallel/partner.ts): each takes a share of every batch, the
   * gradients are averaged, batch norm sees each share's statistics (as PyTorch DDP without SyncBatchNorm). Default 1.
   */
  readonly threads?: number;
  /** Backend; default `auto` (fastest available; `STRIDE_BACKEND` overrides). */
  readonly backend?: BackendName | 'auto';
  /** Download location and cache for mnist, fashion_mnist and cifar10. */
  readonly baseUrl?: string;
  readonly cacheDir?: string;
  /** Replaces the pinned checksums of the downloads (a mirror serving other files, a test server). */
  readonly checksums?: FetchOptions['checksums'];
  readonly warn?: (message: string) => void;
  /** Sees each batch's inputs as the model receives them (after augmentation and normalisation). */
  readonly onInputs?: InputsHook;
}

export interface RunResult extends TrainResult {
  readonly model: string;
  readonly backend: string;
  /** Folder holding model.json and weights.bin; absent when nothing was saved (diverged). */
  readonly weightsDir?: string;
  /** The best epoch's weights (`best/`, see TrainResult.best); absent when no epoch was measured. */
  readonly bestDir?: string;
  /** results.json (per-class results; predictions.csv beside it), when the run was evaluated. */
  readonly resultsFile?: string;
  readonly metricsLog: string;
  /** metrics.csv beside the log: one row per epoch of this run. */
  readonly metricsTable: string;
}

type Settings = TrainingModel['settings'];

/** The run folder's sub-folder holding the best epoch's weights. */
export const BEST_DIR = 'best';

export async function runTraining(o: RunTrainingOptions): Promise<RunResult> {
  const training = o.model;
  const threads = threadCount(o);
  const backend = await runBackend(o, threads);
  const base = training.settings;
  const settings: Settings = { ...base, epochs: o.epochs ?? base.epochs, batch: o.batch ?? base.batch };
  const plan = resumePlan(training, o, settings, threads);
  const data = await prepareData(training, o, settings);
  // The statistics saved beside the weights, so predict feeds the model what training fed it.
  const normalization = runNormalization(settings, data);
  const model = buildModel(training, { seed: settings.seed });
  const init = initOf(o, settings);
  if (init) startFrom(model, init);
  const done = plan.done;
  const logs = new RunLogs({ outDir: o.outDir, tensorboardDir: o.tensorboardDir, resumedEpochs: done });
  const start = { model: training.name, backend: backend.description, data: data.name, samples: data.train.count };
  logs.record({ event: 'start', ...start, settings: cleanSettings(settings), init: init?.dir });
  if (done > 0) logs.record({ event: 'resume', epoch: done });
  let partners: ThreadPartner[] = [];
  try {
    partners = await partnersFor(threads, training, model, settings);
    const result = await trainModel(model, training, {
      ...trainHooks(o, plan, logs, (p) =>
        saveModel(model, path.join(o.outDir, BEST_DIR), { ...metadataOf(training, data, p.epoch, settings.seed), normalization }),
      ),
      settings: { ...settings, epochs: settings.epochs - done },
      data,
      control: o.control,
      signal: o.signal,
      onInputs: o.onInputs,
      partners,
    });
    const weightsDir = result.status === 'diverged' ? undefined : path.join(o.outDir, 'weights');
    if (weightsDir) {
      await saveModel(model, weightsDir, { ...metadataOf(training, data, done + result.history.length, result.seed ?? settings.seed), normalization });
      o.onProgress?.({ type: 'saved', dir: weightsDir });
    }
    const bestDir = result.best ? path.join(o.outDir, BEST_DIR) : undefined;
    const resultFiles = result.evaluation ? writeResults(o.outDir, result.evaluation) : undefined;
    if (result.evaluation) o.onProgress?.({ type: 'results', results: withGallery(result.evaluation.results, data) });
    const summary = result.evaluation && { accuracy: result.evaluation.results.accuracy, topK: result.evaluation.results.topK, files: resultFiles };
    logs.record({ event: 'end', status: result.status, reason: result.reason, seed: result.seed, weightsDir, best: result.best, bestDir, results: summary });
    return {
      ...result,
      // Epochs counted over the whole run, a resumed run's included.
      history: result.history.map((p) => ({ ...p, epoch: p.epoch + done, epochs: p.epochs + done })),
      model: training.name,
      backend: backend.description,
      weightsDir,
      bestDir,
      resultsFile: resultFiles?.results,
      metricsLog: logs.jsonl,
      metricsTable: logs.csv.file,
    };
  } finally {
    await Promise.all(partners.map((p) => p.close()));
    model.dispose();
  }
}

/** The threads beyond this one, each with a replica built as this thread built `model` (none for one thread). */
function partnersFor(threads: number, training: TrainingModel, model: tf.LayersModel, settings: Settings): Promise<ThreadPartner[]> {
  const recipe = { kind: 'stride', training, seed: settings.seed } as const;
  return startPartners(threads - 1, { recipe, model, maxRows: settings.batch, backend: tf.getBackend() });
}

/** The backend, described with the run's threads, announced to `onProgress`. */
async function runBackend(o: RunTrainingOptions, threads: number): Promise<SelectedBackend> {
  const selected = await selectBackend({ backend: o.backend, warn: o.warn ?? (() => undefined) });
  if (threads > 1 && selected.name === 'tensorflow') o.warn?.('tfjs-node already computes on every core: --threads adds replicas that compete with it.');
  const backend = threads > 1 ? { ...selected, description: `${selected.description}; data-parallel on ${threads} threads` } : selected;
  o.onProgress?.({ type: 'backend', description: backend.description });
  return backend;
}

function threadCount(o: RunTrainingOptions): number {
  const n = o.threads ?? 1;
  if (!Number.isInteger(n) || n < 1 || n > MAX_TRAIN_THREADS) throw new Error(`threads must be a whole number from 1 to ${MAX_TRAIN_THREADS}, not ${n}`);
  const cores = os.availableParallelism();
  if (n > cores) o.warn?.(`${n} training threads on a machine with ${cores} cores: they will take turns, and training will be slower than with ${cores}.`);
  return n;
}

/**
 * The trainer's callbacks for a run: progress and logs counted over the whole run (a resumed run's epochs go on from
 * its checkpoint's), the best epoch's weights kept beside the last ones (`best/`: what early stopping or a late plateau
 * would lose), and a checkpoint after every epoch.
 */
function trainHooks(o: RunTrainingOptions, plan: ResumePlan, logs: RunLogs, saveBest: (p: EpochProgress) => Promise<void>) {
  const shift = <T extends { epoch: number; epochs: number }>(p: T): T => ({ ...p, epoch: p.epoch + plan.done, epochs: p.epochs + plan.done });
  return {
    resume: plan.state,
    onBatch: (p: BatchProgress) => o.onProgress?.({ type: 'batch', progress: shift(p) }),
    onBest: (p: EpochProgress) => saveBest(shift(p)),
    onEpoch: (p: EpochProgress) => {
      logs.epoch(shift(p));
      o.onProgress?.({ type: 'epoch', progress: shift(p) });
    },
    onState: plan.save,
  };
}

/** Replaces the seeded initial weights by saved ones; names and shapes must fit, else a clear error before training. */
function startFrom(model: tf.LayersModel, init: { dir: string; label: string }): void {
  try {
    loadWeightsInto(model, resolveWeightsDir(init.dir));
  } catch (e) {
    model.dispose();
    throw new Error(`${init.label}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** `--init` (the caller's), else the section's `init:`, resolved against the model file's folder. */
function initOf(o: RunTrainingOptions, settings: Settings): { dir: string; label: string } | undefined {
  if (o.initDir !== undefined) return { dir: o.initDir, label: `--init '${o.initDir}'` };
  const written = settings.fineTune?.init;
  if (written === undefined) return undefined;
  const dir = o.file ? path.resolve(path.dirname(path.resolve(o.file)), written) : path.resolve(written);
  return { dir, label: `init: "${written}" (${dir})` };
}

async function prepareData(training: TrainingModel, o: RunTrainingOptions, settings: Settings): Promise<Dataset> {
  const spec = o.dataOverride ?? settings.data;
  const inputShape = training.nodes[training.inputs[0]]?.shape ?? [];
  const data = await loadData(spec, {
    inputShape,
    baseDir: o.file ? path.dirname(path.resolve(o.file)) : undefined,
    seed: settings.seed,
    baseUrl: o.baseUrl,
    cacheDir: o.cacheDir,
    checksums: o.checksums,
    signal: o.signal,
    onProgress: (p) => o.onProgress?.({ type: 'download', progress: p }),
    onLoadProgress: (p) => o.onProgress?.({ type: 'load', ...p }),
  });
  checkDataFits(training, data, settings.loss);
  const limited = limitData(data, o.limit);
  o.onProgress?.({ type: 'data', name: data.name, samples: limited.train.count, classes: data.classes, shape: data.shape });
  return limited;
}

function metadataOf(training: TrainingModel, data: Dataset, epochs: number, seed: number): StrideMetadata {
  return { model: training.name, inputShape: training.nodes[training.inputs[0]].shape ?? [], classes: data.classes, dataset: data.name, epochs, seed };
}

export interface PredictOptions {
  /** The model the weights belong to, lowered by the host. */
  readonly model: TrainingModel;
  /** A run folder (with `weights/`) or the weights folder itself. */
  readonly weightsDir: string;
  /** Image files (PNG/JPEG), resized to the model input; or raw samples already shaped like the input. */
  readonly images?: readonly string[];
  readonly samples?: { readonly data: Float32Array; readonly count: number };
  readonly topK?: number;
  readonly backend?: BackendName | 'auto';
}

export interface Prediction {
  readonly source: string;
  readonly top: readonly { readonly index: number; readonly label: string; readonly probability: number }[];
}

export async function predict(o: PredictOptions): Promise<Prediction[]> {
  const training = o.model;
  await selectBackend({ backend: o.backend, warn: () => undefined });
  const { model, meta, dispose } = loadInferenceModel(training, resolveWeightsDir(o.weightsDir));
  try {
    const [h, w, c] = (training.nodes[training.inputs[0]].shape ?? []) as number[];
    const inputs = predictInputs(o, h, w, c);
    const { count, sources } = inputs;
    const data = meta?.normalization ? normalizedCopy(inputs.data, meta.normalization, c) : inputs.data;
    const probs = tf.tidy(() => {
      const out = model.predict(tf.tensor4d(data, [count, h, w, c]));
      return toProbabilities(Array.isArray(out) ? out[0] : out, outputForm(training, training.outputs[0]));
    });
    const values = (await probs.array()) as number[][];
    probs.dispose();
    return values.map((row, i) => ({ source: sources[i], top: topOf(row, meta?.classes ?? [], o.topK ?? 3) }));
  } finally {
    dispose();
  }
}

/** The inputs as the run that saved the weights fed its model (the caller's array is left alone). */
function normalizedCopy(data: Float32Array, n: NonNullable<StrideMetadata['normalization']>, channels: number): Float32Array {
  if (n.mean.length !== channels) throw new Error(`The saved normalisation has ${n.mean.length} channels but the model takes ${channels}.`);
  const copy = data.slice();
  normalizeInPlace(copy, n);
  return copy;
}

/** A run folder or a weights folder, by the one rule of saved-files.ts; a folder with nothing saved is left for the loader to report. */
function resolveWeightsDir(dir: string): string {
  return findSavedWeights(dir)?.dir ?? dir;
}

function predictInputs(o: PredictOptions, h: number, w: number, c: number): { data: Float32Array; count: number; sources: string[] } {
  if (o.samples) return { data: o.samples.data, count: o.samples.count, sources: Array.from({ length: o.samples.count }, (_, i) => `sample ${i}`) };
  const files = o.images ?? [];
  if (files.length === 0) throw new Error('predict needs images or samples.');
  const size = h * w * c;
  const data = new Float32Array(files.length * size);
  files.forEach((f, i) => loadImage(f, { height: h, width: w, channels: c }).forEach((v, k) => (data[i * size + k] = v / 255)));
  return { data, count: files.length, sources: [...files] };
}

function toProbabilities(out: tf.Tensor, form: ReturnType<typeof outputForm>): tf.Tensor {
  const units = out.shape[out.shape.length - 1];
  if (units === 1) {
    const p = form === 'raw' ? tf.sigmoid(out) : out;
    return tf.concat([tf.sub(1, p), p], -1);
  }
  return form === 'raw' ? tf.softmax(out) : out;
}

function topOf(row: number[], classes: readonly string[], k: number): Prediction['top'] {
  return row
    .map((probability, index) => ({ index, label: classes[index] ?? String(index), probability }))
    .sort((a, b) => b.probability - a.probability)
    .slice(0, k);
}
