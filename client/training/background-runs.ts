// The background runs in progress, one per (document, model): what an open training panel replays, and how it stops one.

import { MAX_REPLAY, type BackgroundBatch, type ToWebview } from '../../protocol/training';
import { type EpochRecord } from '../../protocol/training-payloads';

export interface BackgroundRun {
  readonly uri: string;
  readonly model: string;
  backend: string;
  /** Every batch reported so far (bounded), and the finished epochs: a panel opened mid-run draws them first. */
  readonly batches: BackgroundBatch[];
  readonly history: EpochRecord[];
  /** Ends the run after the current batch; the weights trained so far are saved. */
  stop(): void;
  /** Holds the run after the current batch until `resume` (or `stop`). */
  pause(): void;
  resume(): void;
  readonly paused: boolean;
  /** Whether `pause` can hold this run (a separate process cannot be held): the panel disables Pause otherwise. */
  readonly canPause: boolean;
  /** Ends the run at once (extension shutdown). */
  terminate(): void;
}

const keyOf = (uri: string, model: string) => `${uri}\n${model}`;

/** The runs of one extension activation (owned by the training host, never a module global). */
export class BackgroundRuns {
  private readonly runs = new Map<string, BackgroundRun>();

  get(uri: string, model: string): BackgroundRun | undefined {
    return this.runs.get(keyOf(uri, model));
  }

  /** Registers a run; the caller has checked that none runs for the same document and model. */
  add(run: BackgroundRun): void {
    const key = keyOf(run.uri, run.model);
    if (this.runs.has(key)) throw new Error(`${run.model} is already training in the background`);
    this.runs.set(key, run);
  }

  remove(run: BackgroundRun): void {
    if (this.runs.get(keyOf(run.uri, run.model)) === run) this.runs.delete(keyOf(run.uri, run.model));
  }

  all(): BackgroundRun[] {
    return [...this.runs.values()];
  }
}

export function recordBatch(run: BackgroundRun, b: BackgroundBatch): void {
  run.batches.push(b);
  if (run.batches.length > MAX_REPLAY) run.batches.splice(0, run.batches.length - MAX_REPLAY);
}

/** The message that brings a panel up to date with a run under way. */
export function replayMessage(run: BackgroundRun): ToWebview {
  return { type: 'backgroundStart', backend: run.backend, batches: [...run.batches], history: [...run.history], paused: run.paused, canPause: run.canPause };
}
