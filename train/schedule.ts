// Learning-rate schedules and early stopping, with PyTorch's and Keras's definitions so runs compare across tools:
// plain numbers in, plain numbers out (no tfjs), so the closed forms are tested directly and the exports reuse them.

import type { MonitorState, ScheduleState } from '../protocol/train-state';
import type { EarlyStoppingSetting, ScheduleSetting, TrainSettings } from '../protocol/training-model';

/** Whether a larger value of the monitored quantity is better (accuracy, precision…) or a smaller one (losses). */
export function monitorMode(monitor: string): 'min' | 'max' {
  const base = monitor.replace(/^val_/, '');
  return base === 'loss' || base === 'mse' || base === 'mae' ? 'min' : 'max';
}

/** The monitored value of an epoch: `loss`, `val_loss`, a metric or a `val_` metric. */
export function monitored(
  monitor: string,
  epoch: { loss: number; metrics: Readonly<Record<string, number>>; valLoss?: number; valMetrics?: Readonly<Record<string, number>> },
): number | undefined {
  if (monitor === 'loss') return epoch.loss;
  if (monitor === 'val_loss') return epoch.valLoss;
  if (monitor.startsWith('val_')) return epoch.valMetrics?.[monitor.slice(4)];
  return epoch.metrics[monitor];
}

/** Cosine interpolation from `start` (pct 0) to `end` (pct 1), as torch.optim.lr_scheduler's `_annealing_cos`. */
const annealCos = (start: number, end: number, pct: number) => end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);

/**
 * The learning rate of every optimisation step. Steps are counted from 0 over the whole run; epochs from 1.
 * - `step`: base·gamma^⌊(epoch−1)/every⌋ (torch StepLR, stepped per epoch).
 * - `cosine`: linear warm-up over `warmup` epochs ((s+1)/W·base), then cosine from base to `minLr` over the
 *   remaining steps (per step).
 * - `one_cycle`: torch OneCycleLR (two phases, cosine annealing), per step, from maxLr/divFactor up to maxLr over
 *   pctStart of the steps, then down to maxLr/divFactor/finalDivFactor.
 * - `reduce_on_plateau`: torch ReduceLROnPlateau (relative threshold, no cooldown), updated at each epoch's end.
 */
export class LearningRate {
  private plateauLr: number;
  private best: number;
  private bad = 0;

  constructor(
    readonly setting: ScheduleSetting,
    readonly base: number,
    readonly stepsPerEpoch: number,
    readonly epochs: number,
  ) {
    this.plateauLr = base;
    this.best = setting.kind === 'reduce_on_plateau' && monitorMode(setting.monitor) === 'max' ? -Infinity : Infinity;
  }

  at(step: number, epoch: number): number {
    const s = this.setting;
    const total = this.stepsPerEpoch * this.epochs;
    switch (s.kind) {
      case 'constant':
        return this.base;
      case 'step':
        return this.base * s.gamma ** Math.floor((epoch - 1) / s.every);
      case 'cosine': {
        const warm = Math.min(s.warmup * this.stepsPerEpoch, total);
        if (step < warm) return (this.base * (step + 1)) / warm;
        return annealCos(this.base, s.minLr, (step - warm) / Math.max(1, total - warm));
      }
      case 'one_cycle': {
        const max = s.maxLr ?? this.base;
        const initial = max / s.divFactor;
        const end1 = s.pctStart * total - 1;
        const end2 = total - 1;
        if (step <= end1) return annealCos(initial, max, end1 > 0 ? step / end1 : 1);
        return annealCos(max, initial / s.finalDivFactor, end2 > end1 ? (step - end1) / (end2 - end1) : 1);
      }
      case 'reduce_on_plateau':
        return this.plateauLr;
    }
  }

  /** What a checkpoint keeps: reduce_on_plateau's rate, best value and bad epochs (the others are closed forms). */
  get state(): ScheduleState {
    return { plateauLr: this.plateauLr, best: Number.isFinite(this.best) ? this.best : null, bad: this.bad };
  }

  restore(s: ScheduleState): void {
    this.plateauLr = s.plateauLr;
    if (s.best !== null) this.best = s.best;
    this.bad = s.bad;
  }

  /** Feeds an epoch's monitored value to `reduce_on_plateau`; other schedules ignore it. */
  endEpoch(value: number | undefined): void {
    const s = this.setting;
    if (s.kind !== 'reduce_on_plateau' || value === undefined || Number.isNaN(value)) return;
    const better = monitorMode(s.monitor) === 'min' ? value < this.best * (1 - s.threshold) : value > this.best * (1 + s.threshold);
    if (better) {
      this.best = value;
      this.bad = 0;
    } else if (++this.bad > s.patience) {
      const next = Math.max(this.plateauLr * s.factor, s.minLr);
      if (this.plateauLr - next > 1e-8) this.plateauLr = next;
      this.bad = 0;
    }
  }
}

/** What an epoch's end means for early stopping and the best checkpoint. */
export interface Verdict {
  /** The monitored value improved: this epoch's weights are the best so far. */
  readonly improved: boolean;
  /** Patience ran out: training ends after this epoch. */
  readonly stop: boolean;
}

/** Keras's EarlyStopping: improvement beyond `minDelta` resets the wait; `patience` epochs without one stop the run. */
export class Monitor {
  private best: number;
  private wait = 0;
  bestEpoch = 0;

  constructor(readonly setting: EarlyStoppingSetting) {
    this.best = monitorMode(setting.monitor) === 'min' ? Infinity : -Infinity;
  }

  get bestValue(): number {
    return this.best;
  }

  /** What a checkpoint keeps, so a resumed run stops and picks its best epoch as the uninterrupted one would. */
  get state(): MonitorState {
    return { best: Number.isFinite(this.best) ? this.best : null, wait: this.wait, bestEpoch: this.bestEpoch };
  }

  restore(s: MonitorState): void {
    if (s.best !== null) this.best = s.best;
    this.wait = s.wait;
    this.bestEpoch = s.bestEpoch;
  }

  endEpoch(epoch: number, value: number | undefined): Verdict {
    if (value === undefined || Number.isNaN(value)) return { improved: false, stop: false };
    const d = Math.abs(this.setting.minDelta);
    const improved = monitorMode(this.setting.monitor) === 'min' ? value + d < this.best : value - d > this.best;
    this.wait++;
    if (improved) {
      this.best = value;
      this.bestEpoch = epoch;
      this.wait = 0;
    }
    return { improved, stop: !improved && this.wait >= this.setting.patience };
  }
}

/** A monitor must name something the run measures: a metric of the section, and `val_` only with a validation split. */
export function checkMonitors(s: Pick<TrainSettings, 'earlyStopping' | 'schedule' | 'validation' | 'metrics'>): void {
  const watched = [
    ['early_stopping', s.earlyStopping?.monitor],
    ['reduce_on_plateau', s.schedule?.kind === 'reduce_on_plateau' ? s.schedule.monitor : undefined],
  ] as const;
  for (const [who, monitor] of watched) {
    if (monitor === undefined) continue;
    const base = monitor.replace(/^val_/, '');
    if (monitor.startsWith('val_') && s.validation === 0)
      throw new Error(`${who} watches '${monitor}' but no data is held out (validation: 0); watch '${base}' or set a validation fraction.`);
    if (base !== 'loss' && !s.metrics.includes(base))
      throw new Error(`${who} watches '${monitor}' but '${base}' is not among the metrics (${s.metrics.join(', ') || 'none'}); add it to metrics: [...].`);
  }
}

/** Why a run stopped early, in words: the monitor, how long it has not improved, and its best value and epoch. */
export function earlyStopReason(watch: Monitor, epoch: number): string {
  const since = epoch - watch.bestEpoch;
  return `Stopped early after epoch ${epoch}: ${watch.setting.monitor} has not improved for ${since} epoch${since === 1 ? '' : 's'} (best ${watch.bestValue.toPrecision(4)} at epoch ${watch.bestEpoch}).`;
}
