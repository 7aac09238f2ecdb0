// The training loop: seeded batches, loss and metrics, weight decay, progress callbacks, stop/pause, NaN detection.

import * as tf from '@tensorflow/tfjs';
import type { TrainSettings as ModelTrainSettings, TrainingModel } from '../protocol/training-model';
import { controlOf, TrainControl, yieldToEventLoop } from './control';
import { gather, permutation, rng, sampleSize, split, type Dataset } from './data/dataset';
import { checkDataFits } from './data/validate';
import { MetricAccumulator, outputForm, type OutputForm } from './objective';
import { learningRateOf, makeOptimizer, setLearningRate, type OptimizerPlan } from './optimizers';
import { evaluateSplit, validationPass, type Evaluation, type ValidationScores } from './evaluate';
import { checkMonitors, earlyStopReason, LearningRate, Monitor, monitored } from './schedule';
import { InputPipeline, type InputsHook, type Normalization } from './input-pipeline';
import { FineTune } from './fine-tune';
import { optimizeBatch, type StepPartner } from './step';
import { captureState, restoreState, type PartialEpoch, type TrainState } from './checkpoint';

/** The settings the loop uses: a training model's settings without the data (and without a seed one is drawn). */
export type TrainSettings = Omit<ModelTrainSettings, 'data' | 'seed'> & { readonly seed?: number };

export interface MemoryInfo {
  readonly numTensors: number;
  readonly numBytes: number;
}

export interface BatchProgress {
  readonly epoch: number;
  readonly epochs: number;
  readonly batch: number;
  readonly batches: number;
  readonly loss: number;
  /** Running averages over the epoch so far. */
  readonly metrics: Readonly<Record<string, number>>;
  readonly samplesPerSecond: number;
  /** Seconds until the last epoch ends, at the current speed. */
  readonly etaSeconds: number;
  readonly memory: MemoryInfo;
  /** The learning rate of this batch's update. */
  readonly lr: number;
}

export interface EpochProgress {
  readonly epoch: number;
  readonly epochs: number;
  readonly loss: number;
  readonly metrics: Readonly<Record<string, number>>;
  readonly valLoss?: number;
  readonly valMetrics?: Readonly<Record<string, number>>;
  readonly seconds: number;
  readonly samplesPerSecond: number;
  readonly etaSeconds: number;
  readonly memory: MemoryInfo;
  /** The learning rate of the epoch's last update. */
  readonly lr: number;
}

export interface TrainOptions {
  readonly settings: TrainSettings;
  readonly data: Dataset;
  readonly onBatch?: (p: BatchProgress) => void;
  readonly onEpoch?: (p: EpochProgress) => void | Promise<void>;
  /**
   * Epochs trained before this run (a run resumed from a checkpoint trains `settings.epochs` more): the learning-rate
   * schedule continues where it was instead of starting again. (reduce_on_plateau restarts its patience.)
   */
  readonly epochOffset?: number;
  /** Called before `onEpoch` when the watched value improved (early stopping's monitor, else val_loss or loss). */
  readonly onBest?: (p: EpochProgress) => void | Promise<void>;
  /** A checkpoint's state to continue from (train/checkpoint.ts); its epoch count replaces `epochOffset`. */
  readonly resume?: TrainState;
  /** Given after each epoch's `onEpoch`, and between batches when `control` asks for it: everything a resumed run needs. */
  readonly onState?: (state: TrainState) => void | Promise<void>;
  /** Stop and pause; an AbortSignal may be given instead for stop only. */
  readonly control?: TrainControl;
  readonly signal?: AbortSignal;
  readonly onInputs?: InputsHook;
  /** Threads that each take a share of every batch (train/node/parallel); the step averages their gradients in. */
  readonly partners?: readonly StepPartner[];
}

export type TrainStatus = 'completed' | 'stopped' | 'diverged';

export interface TrainResult {
  readonly status: TrainStatus;
  /** Why training ended early (stopped or diverged), in words. */
  readonly reason?: string;
  readonly history: readonly EpochProgress[];
  /** The seed actually used (drawn at random when the settings give none), to reproduce the run. */
  readonly seed: number;
  /** The epoch whose weights were best by the watched value, and that value (absent when none was measured). */
  readonly best?: { readonly epoch: number; readonly monitor: string; readonly value: number };
  /** The final weights on the validation split, per class (absent when diverged or nothing was held out). */
  readonly evaluation?: Evaluation;
  /** The per-channel statistics the inputs were normalised with (`normalize:`), to save beside the weights. */
  readonly normalization?: Normalization;
}

interface Loop {
  readonly model: tf.LayersModel;
  readonly analysis: TrainingModel;
  readonly options: TrainOptions;
  readonly plan: OptimizerPlan;
  readonly forms: readonly OutputForm[];
  readonly control: TrainControl;
  readonly sample: number;
  readonly started: number;
  readonly schedule: LearningRate;
  readonly input: InputPipeline;
  readonly tune: FineTune;
  pausedMs: number;
  trained: number;
  /** Optimisation steps taken so far, those before a resumed run's start included (the schedule's clock). */
  step: number;
  /** Hands `onState` the state after `done` epochs, plus `partial` into the next when taken between two batches. */
  readonly snapshot: (done: number, partial?: PartialEpoch) => Promise<void>;
}

/** Trains `model` (built from the training model `analysis`) in place; epochs' orders follow from (seed, epoch of the whole run). */
export async function trainModel(model: tf.LayersModel, analysis: TrainingModel, options: TrainOptions): Promise<TrainResult> {
  const s = options.settings;
  checkDataFits(analysis, options.data, s.loss);
  checkMonitors(s);
  const seed = options.resume?.loop.seed ?? s.seed ?? Math.floor(Math.random() * 2 ** 31);
  const { train, validation } = trainingSplit(options, seed);
  const plan = makeOptimizer(s.optimizer);
  const offset = options.resume?.loop.epoch ?? options.epochOffset ?? 0;
  const perEpoch = Math.ceil(train.length / s.batch);
  const schedule = new LearningRate(s.schedule ?? { kind: 'constant' }, plan.lr, perEpoch, offset + s.epochs);
  // The best epoch is watched with early stopping's monitor; without early stopping nothing stops on it.
  const watch = new Monitor(s.earlyStopping ?? { monitor: validation.length > 0 ? 'val_loss' : 'loss', patience: Infinity, minDelta: 0 });
  const loop: Loop = {
    model,
    analysis,
    options: { ...options, epochOffset: offset },
    plan,
    forms: analysis.outputs.map((id) => outputForm(analysis, id)),
    control: controlOf(options.control, options.signal),
    schedule,
    input: InputPipeline.of(s, options.data, train, seed, options.onInputs),
    tune: new FineTune(model, s.fineTune),
    sample: sampleSize(options.data),
    started: now(),
    pausedMs: 0,
    trained: 0,
    step: options.resume?.loop.step ?? offset * perEpoch,
    snapshot: async (done, partial) => void (await options.onState?.(await captureState(loop, watch, done, seed, s.optimizer.name, partial))),
  };
  const history: EpochProgress[] = [];
  // The last validation pass's scores: the final weights' predictions, judged per class when the run completes.
  let lastPass: ValidationScores | undefined;
  const end = (status: TrainStatus, reason?: string): TrainResult => {
    // Completed runs only: a stopped run may not have validated its last weights, a diverged one has nothing to judge.
    const evaluation = status === 'completed' && lastPass ? evaluateSplit(options.data, validation, lastPass, loop.forms[0]) : undefined;
    return { status, reason, history, seed, best: bestOf(watch), evaluation, normalization: loop.input.normalization };
  };
  try {
    if (options.resume) await restoreState(loop, watch, options.resume, s.optimizer.name);
    for (let epoch = 1; epoch <= s.epochs; epoch++) {
      const order = permutation(train.length, rng(seed + offset + epoch)).map((i) => train[i]);
      const outcome = await runEpoch(loop, epoch, order, offset + epoch, epoch === 1 ? options.resume?.loop.partial : null);
      if (outcome.status !== 'completed') return end(outcome.status, outcome.reason);
      const val = (lastPass = validation.length > 0 ? await validationPass(loop, validation, epoch) : undefined);
      const progress = epochProgress(loop, epoch, outcome, val, train.length);
      history.push(progress);
      if (s.schedule?.kind === 'reduce_on_plateau') schedule.endEpoch(monitored(s.schedule.monitor, progress));
      const verdict = watch.endEpoch(offset + epoch, monitored(watch.setting.monitor, progress));
      if (verdict.improved) await options.onBest?.(progress);
      await options.onEpoch?.(progress);
      loop.control.takeCheckpointRequest(); // the epoch's checkpoint answers a request made since its last batch
      await loop.snapshot(offset + epoch);
      if (loop.control.isStopped) return end('stopped', 'Stopped on request.');
      if (verdict.stop && epoch < s.epochs) return end('completed', earlyStopReason(watch, offset + epoch));
    }
    return end('completed');
  } finally {
    release(loop);
  }
}

/** The training and validation indices of the data set under the run's seed; a split leaving nothing to train on is an error. */
function trainingSplit(options: TrainOptions, seed: number): ReturnType<typeof split> {
  const s = options.settings;
  const parts = split(options.data.train.count, s.validation, seed);
  if (parts.train.length === 0)
    throw new Error(`Data set '${options.data.name}' has no training samples left after holding out ${s.validation} for validation.`);
  return parts;
}

/** What a run holds beyond its end: the optimizer's state, and frozen batch norms' inference mode. */
function release(loop: Loop): void {
  loop.tune.restore();
  loop.plan.optimizer.dispose();
}

function bestOf(watch: Monitor): TrainResult['best'] {
  return watch.bestEpoch > 0 ? { epoch: watch.bestEpoch, monitor: watch.setting.monitor, value: watch.bestValue } : undefined;
}

interface EpochOutcome {
  readonly status: TrainStatus;
  readonly reason?: string;
  readonly loss: number;
  readonly metrics: Record<string, number>;
  readonly seconds: number;
}

/**
 * `runEpochNo` counts over the whole run (a resumed run's earlier epochs included): unfreezing and augmentation follow
 * it. `from` continues an epoch that a checkpoint left partway.
 */
async function runEpoch(loop: Loop, epoch: number, order: Int32Array, runEpochNo: number, from?: PartialEpoch | null): Promise<EpochOutcome> {
  const { settings, data } = loop.options;
  const metrics = new MetricAccumulator(settings.metrics, data.classes.length, loop.forms[0]);
  if (from) metrics.restore(from.metrics);
  const batches = Math.ceil(order.length / settings.batch);
  if (from && from.batch > batches)
    throw new Error(`The checkpoint was taken after batch ${from.batch} of an epoch that now has ${batches}; the data or batch size changed since.`);
  const t0 = now();
  loop.tune.atEpoch(runEpochNo);
  let lossSum = from?.lossSum ?? 0;
  let seen = from?.seen ?? 0;
  for (let b = from?.batch ?? 0; b < batches; b++) {
    await yieldToEventLoop();
    if (loop.control.takeCheckpointRequest()) await loop.snapshot(runEpochNo - 1, { batch: b, lossSum, seen, metrics: metrics.state });
    await waitIfPaused(loop);
    if (loop.control.isStopped)
      return { status: 'stopped', reason: 'Stopped on request.', loss: lossSum / Math.max(seen, 1), metrics: metrics.result(), seconds: (now() - t0) / 1000 };
    const indices = order.subarray(b * settings.batch, (b + 1) * settings.batch);
    const batch = loop.input.train(gather(data.train, loop.sample, indices), indices, runEpochNo);
    const lr = loop.schedule.at(loop.step, epoch + (loop.options.epochOffset ?? 0));
    setLearningRate(loop.plan.optimizer, lr);
    const loss = await trainStep(loop, batch, metrics);
    if (!Number.isFinite(loss)) return diverged(loop, epoch, b + 1, loss, t0);
    lossSum += loss * batch.size;
    seen += batch.size;
    loop.trained += batch.size;
    loop.step++;
    loop.options.onBatch?.({
      epoch,
      epochs: settings.epochs,
      batch: b + 1,
      batches,
      loss,
      metrics: metrics.result(),
      ...speed(loop, epoch, seen, order.length),
      memory: memory(),
      lr,
    });
  }
  return { status: 'completed', loss: lossSum / Math.max(seen, 1), metrics: metrics.result(), seconds: (now() - t0) / 1000 };
}

function diverged(loop: Loop, epoch: number, batch: number, loss: number, t0: number): EpochOutcome {
  const lr = learningRateOf(loop.plan.optimizer);
  const reason =
    `The loss became ${loss} at epoch ${epoch}, batch ${batch}: training diverged and was stopped before the bad update was applied. ` +
    `Try a smaller learning rate (now ${lr}), batchnorm() after convolutions, or check the data for invalid values.`;
  return { status: 'diverged', reason, loss, metrics: {}, seconds: (now() - t0) / 1000 };
}

async function waitIfPaused(loop: Loop): Promise<void> {
  if (!loop.control.isPaused) return;
  const t = now();
  await loop.control.waitWhilePaused();
  loop.pausedMs += now() - t;
}

/** One optimisation step; the update is applied only when the loss is finite. Returns the batch loss. */
async function trainStep(loop: Loop, batch: ReturnType<typeof gather>, metrics: MetricAccumulator): Promise<number> {
  const [h, w, c] = loop.options.data.shape;
  const xs = tf.tensor4d(batch.x, [batch.size, h, w, c]);
  const ys = tf.tensor1d(batch.y, 'int32');
  try {
    const step = await optimizeBatch(
      loop.model,
      loop.plan,
      xs,
      ys,
      {
        loss: loop.options.settings.loss,
        forms: loop.forms,
        classes: loop.options.data.classes.length,
      },
      loop.tune,
      loop.options.partners,
    );
    try {
      if (Number.isFinite(step.loss)) await metrics.add(step.pred, batch.y);
      return step.loss;
    } finally {
      step.pred.dispose();
    }
  } finally {
    tf.dispose([xs, ys]);
  }
}

function epochProgress(
  loop: Loop,
  epoch: number,
  o: EpochOutcome,
  val: { loss: number; metrics: Record<string, number> } | undefined,
  perEpoch: number,
): EpochProgress {
  const s = loop.options.settings;
  const sp = speed(loop, epoch, perEpoch, perEpoch);
  return {
    epoch,
    epochs: s.epochs,
    loss: o.loss,
    metrics: o.metrics,
    valLoss: val?.loss,
    valMetrics: val?.metrics,
    seconds: o.seconds,
    ...sp,
    memory: memory(),
    lr: learningRateOf(loop.plan.optimizer),
  };
}

/** Throughput since the start (pauses excluded) and the time left for the remaining samples. */
function speed(loop: Loop, epoch: number, seenThisEpoch: number, perEpoch: number): { samplesPerSecond: number; etaSeconds: number } {
  const seconds = Math.max((now() - loop.started - loop.pausedMs) / 1000, 1e-6);
  const samplesPerSecond = loop.trained / seconds;
  const remaining = perEpoch - seenThisEpoch + (loop.options.settings.epochs - epoch) * perEpoch;
  return { samplesPerSecond, etaSeconds: samplesPerSecond > 0 ? remaining / samplesPerSecond : 0 };
}

function memory(): MemoryInfo {
  const m = tf.memory();
  return { numTensors: m.numTensors, numBytes: m.numBytes };
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());
