// The training page's states as one table: what each allows, and which buttons it enables, instead of scattered comparisons.

import type { Action } from './view';

/** `background`: a run of Stride: Train in Background owns the charts, and the page trains nothing itself. */
export type Status = 'starting' | 'loading' | 'ready' | 'training' | 'paused' | 'recovering' | 'finished' | 'stopped' | 'diverged' | 'error' | 'background';

interface StatusFacts {
  /** The page trains a model of its own (its charts are that run's). */
  readonly localRun: boolean;
  /** Some run is under way, here or in the background: Stop applies, nothing new starts. */
  readonly running: boolean;
  /** A run holds the page: a new model from the host is refused with a note, and no second run starts. */
  readonly busy: boolean;
  /** Still waiting for the backend or the data: nothing can be trained yet. */
  readonly waiting: boolean;
}

const FACTS: Readonly<Record<Status, StatusFacts>> = {
  starting: { localRun: false, running: false, busy: false, waiting: true },
  loading: { localRun: false, running: false, busy: false, waiting: true },
  ready: { localRun: false, running: false, busy: false, waiting: false },
  training: { localRun: true, running: true, busy: true, waiting: false },
  paused: { localRun: true, running: true, busy: true, waiting: false },
  // Recovering is not busy: it rebuilds the backend, then starts again from the checkpoint itself.
  recovering: { localRun: true, running: true, busy: false, waiting: false },
  finished: { localRun: false, running: false, busy: false, waiting: false },
  stopped: { localRun: false, running: false, busy: false, waiting: false },
  diverged: { localRun: false, running: false, busy: false, waiting: false },
  error: { localRun: false, running: false, busy: false, waiting: false },
  background: { localRun: false, running: true, busy: true, waiting: false },
};

/** A run is under way, in the page or in the background. */
export const isRunning = (s: Status): boolean => FACTS[s].running;

/** The page itself is training (or paused, or recovering from a lost WebGL context). */
export const isLocalRun = (s: Status): boolean => FACTS[s].localRun;

/** A run holds the page: reloading the model or starting another would abandon it. */
export const isBusy = (s: Status): boolean => FACTS[s].busy;

/** No run can start: a run is under way, or the backend or data is not there yet. */
export const blocksStart = (s: Status): boolean => FACTS[s].running || FACTS[s].waiting;

/** What besides the status decides the buttons. */
export interface ButtonFacts {
  readonly hasData: boolean;
  readonly hasSaved: boolean;
  readonly hasCheckpoint: boolean;
  /** A run of the page's own has ended (or is under way): its weights can be saved. */
  readonly hasRun: boolean;
  /** The background run is paused (meaningful in `background` only). */
  readonly backgroundPaused: boolean;
  /** The background run can pause at all (a `stride train` process cannot). */
  readonly backgroundCanPause: boolean;
}

/** Which buttons a status enables: the same table drives the view and the tests that read it. */
export function enabledButtons(s: Status, f: ButtonFacts): Record<Action, boolean> {
  const running = isRunning(s);
  const idle = !blocksStart(s) && f.hasData;
  return {
    train: idle,
    loadSaved: idle && f.hasSaved,
    resumeCheckpoint: idle && f.hasCheckpoint,
    // PyTorch loads its own data: only a run under way (here or in the background) holds it back.
    trainTorch: !running,
    pause: s === 'training' || (s === 'background' && f.backgroundCanPause && !f.backgroundPaused),
    resume: s === 'paused' || (s === 'background' && f.backgroundCanPause && f.backgroundPaused),
    stop: running,
    save: !running && f.hasRun,
    showSample: f.hasData,
    randomSample: f.hasData,
    pickImage: f.hasData,
    augmentSamples: f.hasData,
  };
}

/** The end of an exhaustive switch over a message union: a case the protocol grew and the page did not handle. */
export function assertNever(x: never): never {
  throw new Error(`Unhandled case ${JSON.stringify(x)}`);
}
