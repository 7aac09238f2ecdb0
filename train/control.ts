// Stop, pause and resume for a running training loop, and a yield that keeps UIs and servers responsive.

/** Shared between the trainer and whoever drives it (a CLI's Ctrl-C, a webview's buttons). */
export class TrainControl {
  private pausedResolve: (() => void) | undefined;
  private pausedPromise: Promise<void> | undefined;
  private stopped = false;
  private checkpointWanted = false;

  constructor(signal?: AbortSignal) {
    // An abort (Ctrl-C, a background run's Stop) keeps a checkpoint where the run stops, from which it resumes exactly.
    const abort = () => {
      this.requestCheckpoint();
      this.stop();
    };
    signal?.addEventListener('abort', abort, { once: true });
    if (signal?.aborted) this.stopped = true;
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  get isPaused(): boolean {
    return this.pausedPromise !== undefined;
  }

  /** Ends training after the current batch; the weights trained so far are kept. */
  stop(): void {
    this.stopped = true;
    this.resume();
  }

  pause(): void {
    if (this.pausedPromise || this.stopped) return;
    this.pausedPromise = new Promise((resolve) => (this.pausedResolve = resolve));
  }

  resume(): void {
    const resolve = this.pausedResolve;
    this.pausedPromise = undefined;
    this.pausedResolve = undefined;
    resolve?.();
  }

  /**
   * Asks the trainer for its full state at the next point between batches (before it pauses or stops there), given
   * to its `onState` like an epoch's end: a checkpoint from which a resumed run continues exactly.
   */
  requestCheckpoint(): void {
    this.checkpointWanted = true;
  }

  /** Whether a checkpoint was asked for since the last call (the trainer's side: asking clears the request). */
  takeCheckpointRequest(): boolean {
    const wanted = this.checkpointWanted;
    this.checkpointWanted = false;
    return wanted;
  }

  /** Resolves at once unless paused; then when resumed or stopped. */
  waitWhilePaused(): Promise<void> {
    return this.pausedPromise ?? Promise.resolve();
  }
}

/** Lets queued events run between batches: setImmediate in Node, a message-channel task in browsers. */
export function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { setImmediate?: (f: () => void) => void; MessageChannel?: typeof MessageChannel };
  if (g.setImmediate) return new Promise((resolve) => g.setImmediate!(resolve));
  if (g.MessageChannel) {
    return new Promise((resolve) => {
      const channel = new g.MessageChannel!();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(undefined);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** A run's pause/stop control: the caller's (an AbortSignal given too then also stops it), else one for the signal. */
export function controlOf(control: TrainControl | undefined, signal: AbortSignal | undefined): TrainControl {
  const c = control ?? new TrainControl(signal);
  if (control && signal) signal.addEventListener('abort', () => c.stop(), { once: true });
  return c;
}
