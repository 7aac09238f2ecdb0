// Stride: Train in Background: the Node trainer in a worker thread, a cancellable progress notification, metrics streamed to the panel.

import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import { type BackgroundBatch, type BackgroundEnd } from '../../protocol/training';
import { isSafeModelName } from '../../protocol/training-payloads';
import {
  checkFromWorker,
  MAX_TRAIN_THREADS,
  type EpochSummary,
  type FromWorker,
  type RunSummary,
  type ToWorker,
  type WorkerStart,
} from '../../protocol/train-worker';
import type { TrainingModel } from '../../protocol/training-model';
import { runDir, weightsDir } from '../../train/node/saved-files';
import { recordBatch, replayMessage, type BackgroundRun } from './background-runs';
import { openTrainingPanel, targetDocument } from './commands';
import type { TrainingHost } from './host';
import { PacedProgress, StopDeadline } from './pacing';
import { RunStatusItem } from './run-status';

/** Overrides for quick runs (code lenses, tests); the `train` section decides otherwise. */
export interface BackgroundOptions {
  readonly epochs?: number;
  readonly batch?: number;
  readonly limit?: number;
}

const percent = (v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(1)}%`);

function clock(seconds: number | null): string {
  if (seconds === null) return '–';
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

function batchText(p: BackgroundBatch): string {
  return `${whereText(p)} · accuracy ${percent(p.accuracy)} · ${Math.round(p.samplesPerSecond)} samples/s · ETA ${clock(p.etaSeconds)}`;
}

/** The status bar's shorter line: where the run is, its loss and what is left. */
function statusText(p: BackgroundBatch): string {
  return `${whereText(p)} · ETA ${clock(p.etaSeconds)}`;
}

/** Epoch, batch and loss: the start of both lines. */
function whereText(p: BackgroundBatch): string {
  return `epoch ${p.epoch}/${p.epochs} · batch ${p.batch}/${p.batches} · loss ${p.loss === null ? 'not finite' : p.loss.toFixed(4)}`;
}

function evaluationText(e: EpochSummary): string {
  const val = e.valLoss === null ? '' : `; validation loss ${e.valLoss.toFixed(4)}, accuracy ${percent(e.valAccuracy)}`;
  return `loss ${e.loss.toFixed(4)}, accuracy ${percent(e.accuracy)}${val}`;
}

/** One worker thread training one model; settles when the worker reports its end or dies. */
class WorkerRun implements BackgroundRun {
  backend = 'the Node trainer';
  readonly batches: BackgroundBatch[] = [];
  readonly history: BackgroundRun['history'] = [];
  private readonly worker: Worker;
  private stopTimer: NodeJS.Timeout | undefined;
  private readonly deadline = new StopDeadline();
  private done: (outcome: RunSummary | Error) => void = () => undefined;
  readonly outcome = new Promise<RunSummary | Error>((resolve) => (this.done = resolve));

  constructor(
    private readonly host: TrainingHost,
    readonly uri: string,
    readonly model: string,
    private readonly onBatch: (p: BackgroundBatch) => void,
  ) {
    this.worker = new Worker(host.extension.asAbsolutePath(path.join('dist', 'train-worker.js')));
    this.worker.on('message', (raw: unknown) => this.receive(raw));
    this.worker.on('error', (e) => this.end(new Error(`the training worker crashed: ${e.message}`)));
    this.worker.on('exit', (code) => this.end(new Error(`the training worker exited unexpectedly (code ${code})`)));
  }

  start(options: WorkerStart): void {
    this.send({ type: 'start', options });
  }

  paused = false;
  readonly canPause = true;
  /** Told when the run is paused or resumed (the progress notification says so). */
  onPauseChange: (paused: boolean) => void = () => undefined;
  /** Told once when Stop is asked for, from the notification's Cancel or the panel's Stop. */
  onStop: () => void = () => undefined;

  pause(): void {
    this.setPaused(true);
  }

  resume(): void {
    this.setPaused(false);
  }

  private setPaused(paused: boolean): void {
    if (this.paused === paused || this.stopTimer) return;
    this.paused = paused;
    this.deadline.interrupted();
    this.send({ type: paused ? 'pause' : 'resume' });
    this.log(`${paused ? 'paused after the current batch' : 'resumed'}`);
    this.panel()?.postBackground({ type: 'backgroundPaused', paused });
    this.onPauseChange(paused);
  }

  /** Stop was asked for: the worker ends after its current batch. */
  get stopping(): boolean {
    return this.stopTimer !== undefined;
  }

  stop(): void {
    if (this.stopTimer) return;
    this.send({ type: 'stop' });
    this.armStopTimer();
    this.onStop();
  }

  /** Terminates a stopped worker that shows no sign of life for longer than its batches and a save take. */
  private armStopTimer(): void {
    clearTimeout(this.stopTimer);
    const grace = this.deadline.graceMs();
    this.stopTimer = setTimeout(() => {
      this.log(`the stopping worker sent nothing for ${Math.round(grace / 1000)} s; terminated (saved weights are untouched).`);
      this.end(new Error('training was stopped before it could save'));
    }, grace);
  }

  private panel() {
    return this.host.panelFor(this.uri, this.model);
  }

  private log(line: string): void {
    this.host.log(`${this.model}: ${line}`);
  }

  private send(m: ToWorker): void {
    this.worker.postMessage(m);
  }

  /** The worker is trusted no more than a webview: a malformed message ends the run. */
  private receive(raw: unknown): void {
    const checked = checkFromWorker(raw);
    if (!checked.ok) return this.end(new Error(`the training worker sent an invalid message: ${checked.error}`));
    if (this.stopTimer) this.armStopTimer(); // stopping, and alive
    this.handle(checked.value);
  }

  private handle(m: FromWorker): void {
    switch (m.type) {
      case 'backend':
        this.backend = m.description;
        this.panel()?.postBackground(replayMessage(this));
        return this.log(`backend ${m.description}`);
      case 'data':
        return this.log(`data ${m.name}, ${m.samples} training samples, ${m.classes.length} classes`);
      case 'status':
        return this.log(m.message);
      case 'warning':
        return this.log(`warning: ${m.message}`);
      case 'batch':
        this.deadline.batch();
        recordBatch(this, m.progress);
        this.panel()?.postBackground({ type: 'backgroundBatch', progress: m.progress });
        return this.onBatch(m.progress);
      case 'epoch': {
        const e = m.progress;
        this.history.push({ epoch: e.epoch, loss: e.loss, accuracy: e.accuracy, valLoss: e.valLoss, valAccuracy: e.valAccuracy });
        this.panel()?.postBackground({ type: 'backgroundEpoch', record: this.history[this.history.length - 1] });
        return this.log(`epoch ${e.epoch}/${e.epochs}: ${evaluationText(e)} · ${e.seconds.toFixed(1)} s · ${Math.round(e.samplesPerSecond)} samples/s`);
      }
      case 'saved':
        return this.log(`saved weights to ${m.dir}`);
      case 'results':
        this.panel()?.postBackground({ type: 'backgroundResults', results: m.results });
        return this.log(`validation accuracy ${(100 * m.results.accuracy).toFixed(1)}% on ${m.results.samples} samples (per class: results.json)`);
      case 'done':
        return this.end(m.result);
      case 'error':
        return this.end(new Error(m.message));
    }
  }

  /** The first end wins: a worker that reported `done` and then exits has not crashed. */
  private end(outcome: RunSummary | Error): void {
    clearTimeout(this.stopTimer);
    this.done(outcome);
    this.done = () => undefined;
    this.worker.removeAllListeners();
    this.worker.on('error', () => undefined);
    void this.worker.terminate();
  }

  /** Extension shutdown: the worker goes at once; a save in progress leaves the previous weights (atomic swap). */
  terminate(): void {
    this.end(new Error('VS Code is closing'));
  }
}

/** Runs a document's model in a worker; resolves with its summary when it ends (undefined when nothing ran). */
export async function trainInBackground(
  host: TrainingHost,
  uri?: string | vscode.Uri,
  model?: string,
  options: BackgroundOptions = {},
): Promise<RunSummary | undefined> {
  const doc = await targetDocument(uri);
  if (!doc) return undefined;
  const chosen = await host.chooseModel(doc, model, true);
  if (!chosen) return undefined;
  const name = chosen.name;
  if (!isSafeModelName(name)) return void vscode.window.showErrorMessage(`Stride: model name '${name}' cannot name a weights folder.`);
  if (doc.uri.scheme !== 'file') return void vscode.window.showErrorMessage('Stride: save the file first: weights are written next to it.');
  if (host.runs.get(doc.uri.toString(), name))
    return void vscode.window.showInformationMessage(`Stride: ${name} is already training in the background; cancel that run first.`);
  // Both runs would save to the same weights folder: one run per model at a time.
  if (host.panelFor(doc.uri.toString(), name)?.training)
    return void vscode.window.showInformationMessage(`Stride: ${name} is training in its training panel; stop it there first, or let it finish.`);
  if (!chosen.training) return refused(host, name, chosen.error ?? 'the model could not be lowered');
  const start = workerStart(doc.uri.fsPath, chosen.training, options);
  host.log(`${name}: training ${path.basename(start.file)} in the background; run folder ${start.outDir}`);
  return runInWorker(host, doc.uri.toString(), start);
}

/** What the worker trains: the lowered model (it parses nothing) and the folders, all chosen here. */
function workerStart(file: string, training: TrainingModel, options: BackgroundOptions): WorkerStart {
  return {
    training,
    file,
    model: training.name,
    outDir: runDir(file, training.name),
    panelDir: weightsDir(file, training.name),
    epochs: options.epochs ?? null,
    batch: options.batch ?? null,
    limit: options.limit ?? null,
    backend: 'auto',
    threads: threadsSetting(),
    cacheDir: null,
  };
}

/** stride.training.threads: data-parallel threads for background runs; anything but a whole number in range is one. */
function threadsSetting(): number {
  const v = vscode.workspace.getConfiguration('stride').get<number>('training.threads', 1);
  return Number.isInteger(v) && v >= 1 && v <= MAX_TRAIN_THREADS ? v : 1;
}

/** A document the server would not lower (errors in it, an unusable data setting): said as a failed run always was. */
function refused(host: TrainingHost, name: string, error: string): undefined {
  host.log(`${name}: failed: ${error}`);
  void vscode.window.showErrorMessage(`Stride: background training of ${name} failed: ${error}`, 'Show Log').then((choice) => {
    if (choice === 'Show Log') host.showLog();
  });
  return undefined;
}

async function runInWorker(host: TrainingHost, uri: string, start: WorkerStart): Promise<RunSummary | undefined> {
  const name = start.model;
  let report: (p: BackgroundBatch) => void = () => undefined;
  const run = new WorkerRun(host, uri, name, (p) => report(p));
  const status = new RunStatusItem(name, uri);
  host.runs.add(run);
  host.panelFor(uri, name)?.postBackground(replayMessage(run));
  try {
    const outcome = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Stride: training ${name} in the background`, cancellable: true },
      (progress, token) => {
        token.onCancellationRequested(() => {
          host.log(`${name}: cancelled; stopping after the current batch`);
          run.stop();
        });
        report = progressReporter(run, progress, status);
        progress.report({ message: 'starting…' });
        run.start(start);
        return run.outcome;
      },
    );
    return finished(host, run, outcome);
  } finally {
    status.dispose();
    host.runs.remove(run);
  }
}

type Progress = vscode.Progress<{ message?: string; increment?: number }>;

/** Batches advance the notification's bar and the status bar's numbers; a paused or stopping run says so instead. */
function progressReporter(run: WorkerRun, progress: Progress, status: RunStatusItem): (p: BackgroundBatch) => void {
  const PAUSED = 'paused — Resume in the training panel';
  const paced = new PacedProgress(progress);
  run.onPauseChange = (paused) => {
    progress.report({ message: paused ? PAUSED : 'resuming…' });
    status.state(paused ? 'paused' : 'resuming');
  };
  run.onStop = () => {
    progress.report({ message: 'stopping after the current batch…' });
    status.state('stopping');
  };
  return (p) => {
    // A batch under way when Pause or Stop came still reports: the texts keep saying what the run is doing.
    if (run.paused || run.stopping) return;
    paced.update((100 * ((p.epoch - 1) * p.batches + p.batch)) / (p.epochs * p.batches), batchText(p));
    status.batch(statusText(p));
  };
}

/** Tells the user (and an open panel) how the run ended; failures are errors, nothing else throws. */
function finished(host: TrainingHost, run: WorkerRun, outcome: RunSummary | Error): RunSummary | undefined {
  const panel = host.panelFor(run.uri, run.model);
  const end = (status: BackgroundEnd, message: string) => {
    panel?.postBackground({ type: 'backgroundEnd', status, message });
    panel?.refresh();
  };
  if (outcome instanceof Error) {
    host.log(`${run.model}: failed: ${outcome.message}`);
    end('error', `The background run failed: ${outcome.message}`);
    void vscode.window.showErrorMessage(`Stride: background training of ${run.model} failed: ${outcome.message}`, 'Show Log').then((choice) => {
      if (choice === 'Show Log') host.showLog();
    });
    return undefined;
  }
  const r = outcome;
  const epochs = `${r.epochsDone} epoch${r.epochsDone === 1 ? '' : 's'}`;
  const evaluation = r.final ? ` Final evaluation: ${evaluationText(r.final)}.` : '';
  host.log(`${r.model}: ${r.status} after ${epochs}${r.reason ? ` (${r.reason})` : ''}; metrics log ${r.metricsLog}`);
  if (r.status === 'diverged') {
    const text = `Training ${r.model} diverged: ${r.reason ?? 'the loss is not a finite number'}. The weights were not saved.`;
    end('diverged', text);
    void vscode.window.showWarningMessage(`Stride: ${text}`, 'Show Log').then((choice) => choice === 'Show Log' && host.showLog());
    return r;
  }
  const shown = r.panelDir ?? r.weightsDir;
  const where = shown ? ` Weights: ${vscode.workspace.asRelativePath(shown)}.` : '';
  const text =
    r.status === 'completed'
      ? `Trained ${r.model} for ${epochs} on ${r.backend}.${evaluation}${where}`
      : `Stopped training ${r.model} after ${epochs} on ${r.backend}; the weights trained so far are saved.${evaluation}${where}`;
  end(r.status, text);
  void vscode.window.showInformationMessage(`Stride: ${text}`, 'Show Weights', 'Open Training Panel').then((choice) => {
    if (choice === 'Show Weights' && shown) void vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(shown));
    if (choice === 'Open Training Panel') void openTrainingPanel(host, run.uri, run.model);
  });
  return r;
}
