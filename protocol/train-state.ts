// A training run's state at an epoch's end (train/checkpoint.ts captures and restores it), in the plain form it is
// stored in by the CLI and background runs and sent between the training page and the host, with its validator.

import { checkWeights, type WeightsPayload } from './training-payloads';
import { fail, finiteOrNull, int, obj, type Obj } from './validate';

/** train/schedule.ts LearningRate's memory (reduce_on_plateau); `best` null means nothing measured yet. */
export interface ScheduleState {
  readonly plateauLr: number;
  readonly best: number | null;
  readonly bad: number;
}

/** train/schedule.ts Monitor's memory (early stopping and the best epoch); `best` null means nothing measured yet. */
export interface MonitorState {
  readonly best: number | null;
  readonly wait: number;
  readonly bestEpoch: number;
}

/** train/objective.ts MetricAccumulator's sums; the confusion matrix as [row·classes + column, count] pairs, zeros left out. */
export interface MetricState {
  readonly seen: number;
  readonly correct: number;
  readonly top5: number;
  readonly sqErr: number;
  readonly absErr: number;
  readonly confusion: readonly (readonly [number, number])[];
}

/** Where a state taken in the middle of an epoch stands in it: batches done and the epoch's running sums so far. */
export interface PartialEpoch {
  readonly batch: number;
  readonly lossSum: number;
  readonly seen: number;
  readonly metrics: MetricState;
}

/** Everything besides tensors that a resumed run needs to continue the same run. */
export interface LoopState {
  /** Epochs completed, counted over the whole run. */
  readonly epoch: number;
  /** Optimisation steps taken (the schedule's clock). */
  readonly step: number;
  /** The seed the run uses (its split, data order and dropout draws follow from it). */
  readonly seed: number;
  /** The optimizer's name, so slots are never loaded into a different one. */
  readonly optimizer: string;
  readonly schedule: ScheduleState;
  readonly monitor: MonitorState;
  /** Adam's running β₁ᵗ and β₂ᵗ as float32 values (tfjs recomputes them with pow on load, which is not bit-equal). */
  readonly accBeta: readonly number[] | null;
  /** Training-mode calls of each seeded dropout layer: its next draw's seed. */
  readonly dropout: Readonly<Record<string, number>>;
  /** Taken in the middle of epoch `epoch + 1` (pause, stop, every few seconds in the panel): where it stands; else null. */
  readonly partial: PartialEpoch | null;
}

/** A run's full state: the loop's numbers, every model weight, and the optimizer's slots (iterations first). */
export interface TrainState {
  readonly loop: LoopState;
  readonly weights: WeightsPayload;
  readonly optimizer: WeightsPayload;
}

const positive = (o: Obj, k: string): number => {
  const v = o[k];
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : fail(`'${k}' must be a non-negative number`);
};

function checkSchedule(v: unknown): ScheduleState {
  const o = obj(v, 'schedule');
  return { plateauLr: positive(o, 'plateauLr'), best: finiteOrNull(o, 'best'), bad: int(o, 'bad') };
}

function checkMonitor(v: unknown): MonitorState {
  const o = obj(v, 'monitor');
  return { best: finiteOrNull(o, 'best'), wait: int(o, 'wait'), bestEpoch: int(o, 'bestEpoch') };
}

function checkCounts(v: unknown): Record<string, number> {
  const o = obj(v, 'dropout');
  if (Object.keys(o).length > 10_000) return fail(`'dropout' has too many entries`);
  return Object.fromEntries(Object.keys(o).map((k) => [k, int(o, k)]));
}

const finite = (o: Obj, k: string): number => {
  const v = o[k];
  return typeof v === 'number' && Number.isFinite(v) ? v : fail(`'${k}' must be a finite number`);
};

function checkMetricState(v: unknown): MetricState {
  const o = obj(v, 'metrics');
  const pairs = o.confusion;
  if (!Array.isArray(pairs) || pairs.length > 4_000_000) return fail(`'confusion' must be a list of pairs`);
  const confusion = pairs.map((p): [number, number] => {
    if (!Array.isArray(p) || p.length !== 2) return fail(`'confusion' must be a list of pairs`);
    return [int({ p: p[0] }, 'p'), int({ p: p[1] }, 'p')];
  });
  return { seen: int(o, 'seen'), correct: int(o, 'correct'), top5: int(o, 'top5'), sqErr: positive(o, 'sqErr'), absErr: positive(o, 'absErr'), confusion };
}

function checkPartial(v: unknown): PartialEpoch | null {
  if (v === null || v === undefined) return null;
  const o = obj(v, 'partial');
  return { batch: int(o, 'batch'), lossSum: finite(o, 'lossSum'), seen: int(o, 'seen'), metrics: checkMetricState(o.metrics) };
}

export function checkLoopState(v: unknown): LoopState {
  const o = obj(v, 'state');
  const acc = o.accBeta;
  if (acc !== null && !(Array.isArray(acc) && acc.length === 2 && acc.every((x) => typeof x === 'number' && x >= 0 && x <= 1)))
    return fail(`'accBeta' must be null or two numbers in [0, 1]`);
  const optimizer = o.optimizer;
  if (typeof optimizer !== 'string' || optimizer.length > 100) return fail(`'optimizer' must be a name`);
  return {
    epoch: int(o, 'epoch'),
    step: int(o, 'step'),
    seed: int(o, 'seed', -(2 ** 31)),
    optimizer,
    schedule: checkSchedule(o.schedule),
    monitor: checkMonitor(o.monitor),
    accBeta: acc as number[] | null,
    dropout: checkCounts(o.dropout),
    partial: checkPartial(o.partial),
  };
}

export function checkTrainState(v: unknown): TrainState {
  const o = obj(v, 'train state');
  return { loop: checkLoopState(o.loop), weights: checkWeights(o.weights), optimizer: checkWeights(o.optimizer) };
}
