// `stride train` and `stride predict`: the Node training path with a terminal progress bar.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze } from '../core/analyze';
import { trainingModelFor } from '../ide/training-model';
import type { TrainingModel } from '../protocol/training-model';
import { MAX_TRAIN_THREADS } from '../protocol/train-worker';
import type { DataSpec } from '../train/data/spec';
import { findSavedWeights, runDir, weightsDir } from '../train/node/saved-files';
import { prepareRunFolder } from '../train/node/saved-owner';
import type { ProgressEvent, RunResult, RunTrainingOptions, PredictOptions, Prediction } from '../train/node/run';
import type { BatchProgress, EpochProgress } from '../train/trainer';
import { InputError, intOption, stringOption, UsageError, type ParsedArgs } from './args';
import { paint, plain } from './output';
import { resultsText } from './results-table';

interface TrainModule {
  runTraining(o: RunTrainingOptions): Promise<RunResult>;
  predict(o: PredictOptions): Promise<Prediction[]>;
}

/** Loaded on demand: tfjs takes a few hundred milliseconds to start, which `check` must not pay. */
function trainModule(): TrainModule {
  return require('../train/node/run') as TrainModule;
}

/**
 * The CLI is its own host: it analyses the file once, refuses errors, chooses the model by the editor's rule and lowers
 * it, exactly as the language server does for the training panel and the background worker.
 */
function hostModel(text: string, args: ParsedArgs, file: string): TrainingModel {
  const lowered = trainingModelFor(analyze(text), { name: stringOption(args.options, 'model') }, file);
  if (!lowered.ok) throw new InputError(lowered.error);
  return lowered.value;
}

/** The training package reports bad models, data and weights as plain errors with user-facing messages. */
async function userFacing<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof UsageError || e instanceof InputError || !(e instanceof Error) || e instanceof TypeError || e instanceof RangeError) throw e;
    // A folder or image that cannot be used is bad input data: exit status 1, as for a model with errors.
    throw new InputError(e.message, e.name === 'FolderError' ? 1 : 2);
  }
}

const REMOTE_SETS = new Set(['mnist', 'fashion_mnist', 'cifar10']);

export function dataOption(args: ParsedArgs): DataSpec | undefined {
  const v = stringOption(args.options, 'data');
  if (v === undefined) return undefined;
  if (v === 'shapes') return { kind: 'shapes' };
  if (REMOTE_SETS.has(v)) return { kind: v as 'mnist' | 'fashion_mnist' | 'cifar10' };
  return { kind: 'folder', path: path.resolve(v) };
}

function backendOption(args: ParsedArgs): RunTrainingOptions['backend'] {
  const v = stringOption(args.options, 'backend');
  // The parser has checked the value against the command table's BACKENDS.
  return v as RunTrainingOptions['backend'];
}

/**
 * The weights folder to predict with: --weights DIR, else the last `stride train` run, else the weights the editor's
 * training panel saved (`NAME.weights/MODEL`); each falls back to the `.previous` copy an interrupted save left.
 */
function chooseWeights(file: string, model: string, given: string | undefined): string {
  if (given !== undefined && given.trim() === '') throw new UsageError('--weights is an empty path; give a folder name');
  const candidates = given !== undefined ? [given] : [runDir(file, model), weightsDir(file, model)];
  for (const dir of candidates) {
    const found = findSavedWeights(dir);
    if (!found) continue;
    if (found.fromPrevious) {
      process.stderr.write(`${paint(process.stderr, 33, 'warning:')} using the previous weights in ${plain(found.dir)}: the last save was interrupted\n`);
    }
    return found.dir;
  }
  // No weights found: predict reports what is missing in the folder the user named, or in the run folder that exists.
  const existing = given ?? candidates.find((d) => fs.existsSync(d));
  if (existing === undefined) throw new InputError(`no trained weights for '${model}': run 'stride train ${file}' first, or pass --weights DIR`);
  return path.resolve(existing);
}

export function train(args: ParsedArgs, readSource: (file: string) => string): Promise<number> {
  const engine = stringOption(args.options, 'engine') ?? 'node';
  if (engine === 'torch')
    return userFacing(async () => {
      return (require('./train-torch') as typeof import('./train-torch')).trainTorch(args, readSource);
    });
  if (engine !== 'node') throw new UsageError(`--engine must be node or torch, got '${engine}'`);
  return userFacing(() => trainRun(args, readSource));
}

async function trainRun(args: ParsedArgs, readSource: (file: string) => string): Promise<number> {
  if (args.positionals.length !== 1) throw new UsageError('train takes exactly one file');
  const file = args.positionals[0];
  const model = hostModel(readSource(file), args, file);
  const mod = trainModule();
  const out = stringOption(args.options, 'out');
  if (out !== undefined && out.trim() === '') throw new UsageError('--out is an empty path; give a folder name (metrics.jsonl and weights/ go into it)');
  const outDir = path.resolve(out ?? runDir(file, model.name));
  if (args.options.has('resume') && !fs.existsSync(outDir)) throw new InputError(`nothing to resume: '${outDir}' does not exist; train without --resume first`);
  const threads = threadsOption(args);
  const data = dataOption(args);
  // Checked before the run folder is made: a mistyped or empty --data DIR leaves nothing behind.
  if (data?.kind === 'folder') (require('../train/node/data/folder') as typeof import('../train/node/data/folder')).listClasses(data.path);
  prepareRunFolder(outDir);
  const controller = new AbortController();
  const onSigint = () => {
    process.stderr.write('\nStopping after the current batch (Ctrl-C again to quit at once)…\n');
    controller.abort();
    process.once('SIGINT', () => process.exit(130));
  };
  process.once('SIGINT', onSigint);
  const bar = new ProgressBar(process.stderr);
  try {
    const result = await mod.runTraining({
      model,
      file,
      epochs: intOption(args.options, 'epochs'),
      batch: intOption(args.options, 'batch'),
      limit: intOption(args.options, 'limit'),
      dataOverride: data,
      backend: backendOption(args),
      threads,
      outDir,
      tensorboardDir: tensorboardOption(args),
      initDir: initOption(args),
      resume: args.options.has('resume'),
      signal: controller.signal,
      onProgress: (e) => bar.event(e),
      warn: (m) => process.stderr.write(`${paint(process.stderr, 33, 'warning:')} ${m}\n`),
    });
    bar.done();
    report(result);
    return result.status === 'diverged' ? 1 : 0;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

/** `--threads N`, checked before the run folder is made. */
function threadsOption(args: ParsedArgs): number | undefined {
  const n = intOption(args.options, 'threads');
  if (n !== undefined && n > MAX_TRAIN_THREADS) throw new UsageError(`--threads must be at most ${MAX_TRAIN_THREADS}, got ${n}`);
  return n;
}

/** `--init DIR`: start from saved weights (a weights folder such as `stride import` writes, or a run folder). */
export function initOption(args: ParsedArgs): string | undefined {
  const dir = stringOption(args.options, 'init');
  if (dir === undefined) return undefined;
  if (dir.trim() === '') throw new UsageError('--init is an empty path; give a weights folder (model.json + weights.bin) or a run folder');
  if (!fs.existsSync(dir)) throw new InputError(`--init '${dir}' does not exist; give a weights folder (model.json + weights.bin) or a run folder`);
  return dir;
}

export function tensorboardOption(args: ParsedArgs): string | undefined {
  const dir = stringOption(args.options, 'tensorboard');
  if (dir !== undefined && dir.trim() === '')
    throw new UsageError('--tensorboard is an empty path; give the folder TensorBoard reads (tensorboard --logdir DIR)');
  return dir;
}

function report(result: RunResult): void {
  const last = result.history[result.history.length - 1];
  const out = process.stdout;
  out.write(
    `${result.status === 'completed' ? 'Finished' : result.status === 'stopped' ? 'Stopped' : 'Diverged'}: ${result.model} on ${result.backend}${result.reason ? ` — ${result.reason}` : ''}\n`,
  );
  if (last) {
    out.write(`Final evaluation after ${last.epoch} epoch${last.epoch === 1 ? '' : 's'}: train loss ${last.loss.toFixed(4)}${metricsText(last.metrics)}`);
    if (last.valLoss !== undefined) out.write(`; validation loss ${last.valLoss.toFixed(4)}${metricsText(last.valMetrics ?? {})}`);
    out.write('\n');
  }
  if (result.evaluation && result.resultsFile) out.write(resultsText(result.evaluation.results, result.resultsFile));
  if (result.weightsDir) out.write(`Weights: ${result.weightsDir}\n`);
  if (result.best && result.bestDir)
    out.write(`Best: ${result.best.monitor} ${result.best.value.toFixed(4)} at epoch ${result.best.epoch}, weights in ${result.bestDir}\n`);
  out.write(`Metrics log: ${result.metricsLog}\n`);
  out.write(`Metrics table: ${result.metricsTable}\n`);
}

function metricsText(metrics: Readonly<Record<string, number>>): string {
  return Object.entries(metrics)
    .map(([k, v]) => `, ${k} ${v.toFixed(4)}`)
    .join('');
}

/** 0.001, 0.000125, 3.16e-7: three significant digits without trailing zeros. */
export const lrText = (lr: number): string => String(Number(lr.toPrecision(3)));

function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** One redrawn line on a terminal; one line per epoch otherwise (logs, CI). */
class ProgressBar {
  private drawn = false;
  private lastDraw = 0;

  constructor(private readonly stream: NodeJS.WriteStream) {}

  event(e: ProgressEvent): void {
    switch (e.type) {
      case 'backend':
        return this.line(`Backend: ${e.description}`);
      case 'data':
        return this.line(`Data: ${e.name}, ${e.samples} training samples of shape (${e.shape.join(', ')}), ${e.classes.length} classes`);
      case 'download': {
        const p = e.progress as { file?: string; received?: number; total?: number };
        return this.redraw(`Downloading ${p.file ?? ''} ${p.total ? `${Math.round((100 * (p.received ?? 0)) / p.total)}%` : `${p.received ?? 0} bytes`}`);
      }
      case 'load':
        return this.redraw(`Loading images ${e.loaded}/${e.total}`);
      case 'batch':
        return this.batch(e.progress);
      case 'epoch':
        return this.epoch(e.progress);
      case 'saved':
        return this.line(`Saved weights to ${e.dir}`);
      case 'results':
        return; // printed as a table at the end
    }
  }

  private batch(p: BatchProgress): void {
    if (!this.stream.isTTY) return;
    const now = Date.now();
    if (now - this.lastDraw < 100 && p.batch < p.batches) return;
    this.lastDraw = now;
    const width = 24;
    const filled = Math.round((width * p.batch) / p.batches);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    this.redraw(
      `epoch ${p.epoch}/${p.epochs} ${bar} ${p.batch}/${p.batches} loss ${p.loss.toFixed(4)}${metricsText(p.metrics)} · lr ${lrText(p.lr)} · ${Math.round(p.samplesPerSecond)} samples/s · ETA ${clock(p.etaSeconds)}`,
    );
  }

  private epoch(p: EpochProgress): void {
    const val = p.valLoss !== undefined ? ` · val loss ${p.valLoss.toFixed(4)}${metricsText(p.valMetrics ?? {})}` : '';
    this.line(
      `epoch ${p.epoch}/${p.epochs}: loss ${p.loss.toFixed(4)}${metricsText(p.metrics)}${val} · lr ${lrText(p.lr)} · ${p.seconds.toFixed(1)} s · ${Math.round(p.samplesPerSecond)} samples/s · ${p.memory.numTensors} tensors`,
    );
  }

  private redraw(text: string): void {
    if (!this.stream.isTTY) return;
    const cols = this.stream.columns ?? 100;
    this.stream.write(`\r\x1b[K${text.slice(0, cols - 1)}`);
    this.drawn = true;
  }

  private line(text: string): void {
    if (this.drawn) this.stream.write('\r\x1b[K');
    this.drawn = false;
    this.stream.write(text + '\n');
  }

  done(): void {
    if (this.drawn) this.stream.write('\r\x1b[K');
  }
}

export function predictCommand(args: ParsedArgs, readSource: (file: string) => string): Promise<number> {
  return userFacing(() => predictRun(args, readSource));
}

async function predictRun(args: ParsedArgs, readSource: (file: string) => string): Promise<number> {
  const [file, ...images] = args.positionals;
  if (!file || images.length === 0) throw new UsageError('predict takes a model file and at least one image');
  const model = hostModel(readSource(file), args, file);
  const mod = trainModule();
  const weightsDir = chooseWeights(file, model.name, stringOption(args.options, 'weights'));
  const predictions = await mod.predict({ model, weightsDir, images, topK: intOption(args.options, 'top'), backend: backendOption(args) });
  // Class names come from model.json and file names from the user: neither may drive the terminal.
  for (const p of predictions) {
    process.stdout.write(`${plain(p.source)}: ${p.top.map((t) => `${plain(t.label)} ${(100 * t.probability).toFixed(1)}%`).join(', ')}\n`);
  }
  return 0;
}
