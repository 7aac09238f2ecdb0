// How fast a background run's notification may change its text, and how long a stopped run may take to end.

/**
 * VS Code redraws a whole notification toast, its Cancel button included, whenever the text changes: a click whose
 * press and release straddle a redraw is lost (a click lasts ~0.1 s, so a redraw every second would lose about one
 * in ten). Batches can arrive tens of times a second, so the toast's text changes at most once an interval, and the
 * live numbers go to a status-bar item (`STATUS_TEXT_INTERVAL_MS`), whose redraw disturbs nothing.
 */
export const NOTIFICATION_TEXT_INTERVAL_MS = 5_000;

/** How often a background run's status-bar item may change its text. */
export const STATUS_TEXT_INTERVAL_MS = 1_000;

/** Says whether the text may change now; the first call always may. */
export class TextPacer {
  private last = -Infinity;

  constructor(
    private readonly intervalMs = NOTIFICATION_TEXT_INTERVAL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  due(): boolean {
    const t = this.now();
    if (t - this.last < this.intervalMs) return false;
    this.last = t;
    return true;
  }
}

/** What a progress notification takes (the shape of vscode.Progress). */
export interface ProgressSink {
  report(value: { message?: string; increment?: number }): void;
}

/**
 * A notification's text and bar from the share of the run done so far. The bar moves only with the (paced) text: a
 * report without text would show the bare title, which is a change of text too.
 */
export class PacedProgress {
  private done = 0;
  private readonly pacer: TextPacer;

  constructor(
    private readonly sink: ProgressSink,
    intervalMs = NOTIFICATION_TEXT_INTERVAL_MS,
    now: () => number = Date.now,
  ) {
    this.pacer = new TextPacer(intervalMs, now);
  }

  /** `percent` (0–100) of the run done, and what to say; dropped when the text changed less than an interval ago. */
  update(percent: number, message: string): void {
    if (!this.pacer.due()) return;
    this.sink.report({ message, increment: Math.max(0, percent - this.done) });
    this.done = Math.max(this.done, percent);
  }
}

/** The least time a stopped worker gets to finish its batch and save before it is terminated (saves are atomic). */
export const STOP_GRACE_MS = 15_000;
/** How many of the run's slowest batches a stop may wait for on top of the grace. */
const SLOW_BATCHES = 3;

/**
 * How long to wait for a stopped run: the grace, plus a few of the slowest gaps seen between its batch reports, so a
 * model whose one batch takes longer than the grace is not killed before it could save. Any message from the worker
 * while it stops shows it is alive and starts the wait again.
 */
export class StopDeadline {
  private lastBatch: number | undefined;
  private slowest = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** A batch report arrived. */
  batch(): void {
    const t = this.now();
    if (this.lastBatch !== undefined) this.slowest = Math.max(this.slowest, t - this.lastBatch);
    this.lastBatch = t;
  }

  /** The run was paused or resumed: the time in between is no batch's. */
  interrupted(): void {
    this.lastBatch = undefined;
  }

  /** Milliseconds to wait from now. */
  graceMs(): number {
    return STOP_GRACE_MS + SLOW_BATCHES * this.slowest;
  }
}
