// Continuing a `stride train` or background run from the checkpoint in its run folder, or starting afresh without one.

import * as path from 'node:path';
import type { TrainingModel } from '../../protocol/training-model';
import { fingerprintMismatch, fingerprintOf, type TrainState } from '../checkpoint';
import { CHECKPOINT_DIR, readCheckpointFiles, removeCheckpointFiles, writeCheckpointFiles } from './checkpoint-files';
import type { RunTrainingOptions } from './run';

export interface ResumePlan {
  /** Epochs the checkpoint holds (0 for a fresh run). */
  readonly done: number;
  /** The state to continue from; absent for a fresh run. */
  readonly state?: TrainState;
  /** Writes the checkpoint after an epoch. */
  readonly save: (state: TrainState) => void;
}

type Options = Pick<RunTrainingOptions, 'outDir' | 'resume' | 'limit' | 'dataOverride' | 'initDir' | 'warn'>;

/**
 * A fresh run removes any older checkpoint first, so it can never be resumed into another run's state. A resumed run
 * reads the checkpoint (a damaged one is a clear error) and refuses when the model or any effective setting changed:
 * the data, the sample limit and the epochs count too, since the schedule and the split depend on them. Another thread
 * count continues with a warning: the run goes on, but no longer as the stopped one would have.
 */
export function resumePlan(training: TrainingModel, o: Options, settings: TrainingModel['settings'], threads: number): ResumePlan {
  const dir = path.join(o.outDir, CHECKPOINT_DIR);
  const fingerprint = fingerprintOf(training, { ...settings, data: o.dataOverride ?? settings.data, limit: o.limit ?? null });
  const save = (state: TrainState) => writeCheckpointFiles(dir, { fingerprint, state, threads });
  if (!o.resume) {
    removeCheckpointFiles(dir);
    return { done: 0, save };
  }
  if (o.initDir !== undefined) throw new Error('--init cannot be combined with --resume: a resumed run continues from its checkpoint.');
  const stored = readCheckpointFiles(dir);
  if (!stored) throw new Error(`Nothing to resume: '${o.outDir}' has no checkpoint; train without --resume first.`);
  const why = fingerprintMismatch(stored.fingerprint, fingerprint);
  if (why) throw new Error(`Cannot resume the run in '${o.outDir}': ${why}. Train without --resume to start over.`);
  const done = stored.state.loop.epoch;
  if (done >= settings.epochs) throw new Error(`Nothing to resume: the checkpoint in '${o.outDir}' already holds all ${settings.epochs} epochs.`);
  if (stored.threads !== threads) o.warn?.(threadsChanged(stored.threads, threads));
  return { done, state: stored.state, save };
}

/** Each thread's share of a batch sets its batch-norm statistics and dropout masks: another split is another run. */
function threadsChanged(saved: number, now: number): string {
  const on = (n: number) => `${n} thread${n === 1 ? '' : 's'}`;
  return `The checkpoint was saved by a run on ${on(saved)}; this one continues on ${on(now)}. It goes on from the same state, but batch norm and dropout see the batches split differently, so it will not equal the stopped run continued on ${on(saved)}.`;
}
