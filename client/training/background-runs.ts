// The background runs in progress, one per (document, model): what an open training panel replays, and how it stops one.

import { MAX_REPLAY, type BackgroundBatch, type EpochRecord, type ToWebview } from '../../protocol/training';

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
}

const runs = new Map<string, BackgroundRun>();
const keyOf = (uri: string, model: string) => `${uri}\n${model}`;

export function backgroundRun(uri: string, model: string): BackgroundRun | undefined {
  return runs.get(keyOf(uri, model));
}

/** Registers a run; the caller has checked that none runs for the same document and model. */
export function addBackgroundRun(run: BackgroundRun): void {
  const key = keyOf(run.uri, run.model);
  if (runs.has(key)) throw new Error(`${run.model} is already training in the background`);
  runs.set(key, run);
}

export function removeBackgroundRun(run: BackgroundRun): void {
  if (runs.get(keyOf(run.uri, run.model)) === run) runs.delete(keyOf(run.uri, run.model));
}

export function allBackgroundRuns(): BackgroundRun[] {
  return [...runs.values()];
}

export function recordBatch(run: BackgroundRun, b: BackgroundBatch): void {
  run.batches.push(b);
  if (run.batches.length > MAX_REPLAY) run.batches.splice(0, run.batches.length - MAX_REPLAY);
}

/** The message that brings a panel up to date with a run under way. */
export function replayMessage(run: BackgroundRun): ToWebview {
  return { type: 'backgroundStart', backend: run.backend, batches: [...run.batches], history: [...run.history], paused: run.paused };
}
