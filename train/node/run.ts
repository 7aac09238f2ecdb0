// Node entry points for the CLI and background workers: train a model from source text, and predict with saved weights.

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { analyze, type ModelAnalysis } from '../../core/analyze';
import { LineIndex } from '../../core/syntax/span';
import { selectBackend, type BackendName } from './backends/select';
import type { TrainControl } from '../control';
import type { Dataset } from '../data/dataset';
import { limitSet, sampleSize } from '../data/dataset';
import { loadImage } from './data/folder';
import { loadData } from './data/load';
import type { DownloadProgress, FetchOptions } from './data/node-io';
import { dataSpecOf, type DataSpec } from '../data/spec';
import { checkDataFits } from '../data/validate';
import { buildModel } from '../model-builder';
import { outputForm } from '../objective';
import { trainModel, type BatchProgress, type EpochProgress, type TrainResult, type TrainSettings } from '../trainer';
import type { StrideMetadata } from './saved-files';
import { loadWeightsInto, saveModel } from './weights';

export type ProgressEvent =
  | { readonly type: 'backend'; readonly description: string }
  | { readonly type: 'download'; readonly progress: DownloadProgress }
  | { readonly type: 'load'; readonly loaded: number; readonly total: number }
  | { readonly type: 'data'; readonly name: string; readonly samples: number; readonly classes: readonly string[]; readonly shape: readonly number[] }
  | { readonly type: 'batch'; readonly progress: BatchProgress }
  | { readonly type: 'epoch'; readonly progress: EpochProgress }
  | { readonly type: 'saved'; readonly dir: string };

export interface RunTrainingOptions {
  /** The `.stride` source text. */
  readonly text: string;
  /** Which model to train; default: the first model with a `train` section, else the first model. */
  readonly modelName?: string;
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
  readonly onProgress?: (event: ProgressEvent) => void;
  readonly signal?: AbortSignal;
  /** Pause/resume/stop from outside (background workers). */
  readonly control?: TrainControl;
  /** Backend; default `auto` (fastest available; `STRIDE_BACKEND` overrides). */
  readonly backend?: BackendName | 'auto';
  /** Download location and cache for mnist, fashion_mnist and cifar10. */
  readonly baseUrl?: string;
  readonly cacheDir?: string;
  /** Replaces the pinned checksums of the downloads (a mirror serving other files, a test server). */
  readonly checksums?: FetchOptions['checksums'];
  readonly warn?: (message: string) => void;
}

export interface RunResult extends TrainResult {
  readonly model: string;
  readonly backend: string;
  /** Folder holding model.json and weights.bin; absent when nothing was saved (diverged). */
  readonly weightsDir?: string;
  readonly metricsLog: string;
}

const DEFAULT_SETTINGS: TrainSettings = {
  optimizer: { name: 'adam', args: { lr: 0.001 } },
  loss: 'crossentropy',
  metrics: ['accuracy'],
  epochs: 5,
  batch: 32,
  validation: 0.1,
};

export async function runTraining(o: RunTrainingOptions): Promise<RunResult> {
  const analysis = pickModel(o.text, o.modelName, o.file);
  const backend = await selectBackend({ backend: o.backend, warn: o.warn ?? (() => undefined) });
  o.onProgress?.({ type: 'backend', description: backend.description });
  const base = analysis.train ?? DEFAULT_SETTINGS;
  const settings: TrainSettings = { ...base, epochs: o.epochs ?? base.epochs, batch: o.batch ?? base.batch };
  const data = await prepareData(analysis, o, settings);
  const model = buildModel(analysis, { seed: settings.seed });
  const log = new JsonLines(path.join(o.outDir, 'metrics.jsonl'));
  log.write({ event: 'start', model: analysis.graph.name, backend: backend.description, data: data.name, samples: data.train.count, settings });
  try {
    const result = await trainModel(model, analysis, {
      settings,
      data,
      control: o.control,
      signal: o.signal,
      onBatch: (p) => o.onProgress?.({ type: 'batch', progress: p }),
      onEpoch: (p) => {
        log.write({ event: 'epoch', ...p });
        o.onProgress?.({ type: 'epoch', progress: p });
      },
    });
    const weightsDir = result.status === 'diverged' ? undefined : path.join(o.outDir, 'weights');
    if (weightsDir) {
      await saveModel(model, weightsDir, metadataOf(analysis, data, result, settings));
      o.onProgress?.({ type: 'saved', dir: weightsDir });
    }
    log.write({ event: 'end', status: result.status, reason: result.reason, seed: result.seed, weightsDir });
    return { ...result, model: analysis.graph.name, backend: backend.description, weightsDir, metricsLog: log.file };
  } finally {
    model.dispose();
  }
}

async function prepareData(analysis: ModelAnalysis, o: RunTrainingOptions, settings: TrainSettings): Promise<Dataset> {
  const spec = o.dataOverride ?? dataSpecOf(analysis.train?.data);
  const inputShape = analysis.layers[analysis.graph.inputs[0]]?.shape ?? [];
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
  checkDataFits(analysis, data, settings.loss);
  const limited = { ...data, train: limitSet(data.train, sampleSize(data), o.limit) };
  o.onProgress?.({ type: 'data', name: data.name, samples: limited.train.count, classes: data.classes, shape: data.shape });
  return limited;
}

function metadataOf(analysis: ModelAnalysis, data: Dataset, result: TrainResult, settings: TrainSettings): StrideMetadata {
  return {
    model: analysis.graph.name,
    inputShape: analysis.layers[analysis.graph.inputs[0]].shape ?? [],
    classes: data.classes,
    dataset: data.name,
    epochs: result.history.length,
    seed: result.seed ?? settings.seed,
  };
}

/** The named (or default) model of an error-free source; errors are reported with line:column. */
export function pickModel(text: string, modelName: string | undefined, file?: string): ModelAnalysis {
  const analysis = analyze(text);
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    const lines = new LineIndex(text);
    const where = (offset: number) => {
      const p = lines.position(offset);
      return `${file ?? 'source'}:${p.line + 1}:${p.character + 1}`;
    };
    const shown = errors.slice(0, 5).map((e) => `  ${where(e.span.start)}: ${e.message}`);
    throw new Error(`The source has ${errors.length} error${errors.length === 1 ? '' : 's'}; fix them before training:\n${shown.join('\n')}`);
  }
  const names = analysis.models.map((m) => m.graph.name);
  if (names.length === 0) throw new Error('The source defines no model.');
  const model = modelName ? analysis.models.find((m) => m.graph.name === modelName) : (analysis.models.find((m) => m.train) ?? analysis.models[0]);
  if (!model) throw new Error(`No model named '${modelName}'; the source defines ${names.join(', ')}.`);
  return model;
}

/** Appends one JSON object per line; each write is a whole line so a crash never leaves half a record. */
class JsonLines {
  constructor(readonly file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
  }

  write(record: object): void {
    fs.appendFileSync(this.file, `${JSON.stringify({ time: new Date().toISOString(), ...record })}\n`);
  }
}

export interface PredictOptions {
  readonly text: string;
  readonly modelName?: string;
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
  const analysis = pickModel(o.text, o.modelName);
  await selectBackend({ backend: o.backend, warn: () => undefined });
  const model = buildModel(analysis);
  try {
    const meta = loadWeightsInto(model, resolveWeightsDir(o.weightsDir));
    const [h, w, c] = (analysis.layers[analysis.graph.inputs[0]].shape ?? []) as number[];
    const { data, count, sources } = predictInputs(o, h, w, c);
    const probs = tf.tidy(() => {
      const out = model.predict(tf.tensor4d(data, [count, h, w, c]));
      return toProbabilities(Array.isArray(out) ? out[0] : out, outputForm(analysis, analysis.graph.outputs[0]));
    });
    const values = (await probs.array()) as number[][];
    probs.dispose();
    return values.map((row, i) => ({ source: sources[i], top: topOf(row, meta?.classes ?? [], o.topK ?? 3) }));
  } finally {
    model.dispose();
  }
}

function resolveWeightsDir(dir: string): string {
  return fs.existsSync(path.join(dir, 'model.json')) || !fs.existsSync(path.join(dir, 'weights')) ? dir : path.join(dir, 'weights');
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
