// One training run in the page: builds the model, drives the shared trainer, checkpoints, and reports progress to the view.

import * as tf from '@tensorflow/tfjs';
import type { CheckpointPayload, EpochRecord, WeightsPayload } from '../../protocol/training-payloads';
import type { TrainState } from '../../protocol/train-state';
import type { TrainingModel } from '../../protocol/training-model';
import { TrainControl } from '../../train/control';
import type { Dataset } from '../../train/data/dataset';
import { buildModel } from '../../train/model-builder';
import { trainModel, type BatchProgress, type EpochProgress, type TrainResult } from '../../train/trainer';
import { restoreWeights } from './checkpoint';

export interface RunHooks {
  onBatch(p: BatchProgress, epochOffset: number): void;
  onEpoch(record: EpochRecord, p: EpochProgress): void;
  /** A checkpoint to keep (in the page and at the host). */
  onCheckpoint(c: CheckpointPayload): void;
}

export interface RunStart {
  /** The model as the host lowered it; its settings carry every default. */
  readonly training: TrainingModel;
  readonly data: Dataset;
  /** Weights to start from (saved weights or a checkpoint); null starts from the seeded initialisation. */
  readonly weights: WeightsPayload | null;
  /** Epochs already done (a resumed checkpoint); the run trains the rest. */
  readonly doneEpochs: number;
  readonly history: readonly EpochRecord[];
  /** A checkpoint's full state (optimizer slots, schedule, where in an epoch it was taken…): the run continues exactly. */
  readonly state?: TrainState;
}

/** How often, at most, a checkpoint is taken in the middle of an epoch. */
const CHECKPOINT_SECONDS = 20;

export class TrainingRun {
  readonly control = new TrainControl();
  readonly model: tf.LayersModel;
  readonly history: EpochRecord[];
  private lastCheckpoint = performance.now();

  constructor(
    private readonly start: RunStart,
    private readonly hooks: RunHooks,
  ) {
    this.model = buildModel(start.training, { seed: start.training.settings.seed });
    if (start.weights) {
      try {
        restoreWeights(this.model, start.weights);
      } catch (e) {
        this.model.dispose();
        throw e;
      }
    }
    this.history = [...start.history];
  }

  get modelName(): string {
    return this.start.training.name;
  }

  /** Trains the remaining epochs; resolves with the trainer's outcome (the model stays alive for activations). */
  async run(): Promise<TrainResult> {
    const settings = this.start.training.settings;
    const offset = this.start.doneEpochs;
    return trainModel(this.model, this.start.training, {
      settings: { ...settings, epochs: Math.max(0, settings.epochs - offset) },
      epochOffset: offset,
      resume: this.start.state?.loop.epoch === offset ? this.start.state : undefined,
      data: this.start.data,
      control: this.control,
      onBatch: (p) => {
        this.hooks.onBatch(p, offset);
        this.maybeCheckpointMidEpoch();
      },
      onEpoch: (p) => {
        const record = toRecord(p, offset);
        this.history.push(record);
        this.hooks.onEpoch(record, p);
      },
      // After each epoch and when asked between batches: the weights with everything else a resumed run needs.
      onState: (state) => this.checkpoint(state),
    });
  }

  /** Every CHECKPOINT_SECONDS, the trainer is asked for its state at the next point between batches. */
  private maybeCheckpointMidEpoch(): void {
    if ((performance.now() - this.lastCheckpoint) / 1000 < CHECKPOINT_SECONDS) return;
    this.lastCheckpoint = performance.now();
    this.requestCheckpoint();
  }

  /**
   * Asks for a checkpoint (pause, stop, the timer): the trainer gives its full state before the next batch — also
   * mid-epoch, with the batch it stands at and the epoch's running sums — so a run resumed from it is the same run.
   */
  requestCheckpoint(): void {
    this.control.requestCheckpoint();
  }

  /** Stops after the current batch, with a checkpoint of the state there, so the run can resume where it stopped. */
  stop(): void {
    this.requestCheckpoint();
    this.control.stop();
  }

  private checkpoint(state: TrainState): void {
    this.lastCheckpoint = performance.now();
    const doneEpochs = state.loop.epoch;
    this.hooks.onCheckpoint({ model: this.modelName, epoch: doneEpochs, weights: state.weights, history: this.history.slice(0, doneEpochs), state });
  }

  dispose(): void {
    try {
      this.model.dispose();
    } catch {
      // A model whose WebGL context was lost cannot free its textures; they went with the context.
    }
  }
}

function toRecord(p: EpochProgress, offset: number): EpochRecord {
  const finite = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? v : null);
  return {
    epoch: p.epoch + offset,
    loss: p.loss,
    accuracy: finite(p.metrics.accuracy),
    valLoss: finite(p.valLoss),
    valAccuracy: finite(p.valMetrics?.accuracy),
  };
}
