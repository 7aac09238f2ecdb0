// A `stride train` child process as a background run: its output in a terminal, its metrics log streamed into the panel.

import { spawn, type ChildProcess } from 'node:child_process';
import * as vscode from 'vscode';
import type { BackgroundBatch } from '../../protocol/training';
import type { EpochRecord } from '../../protocol/training-payloads';
import { recordBatch, replayMessage, type BackgroundRun } from './background-runs';
import { MetricsFollower, fileSize, type MetricsRecord } from './metrics-tail';
import type { TrainingHost } from './host';

/** How a CLI run ended: the log's `end` record when it wrote one, else the exit code and the last line of output. */
export interface CliOutcome {
  readonly status: 'completed' | 'stopped' | 'diverged' | 'error';
  readonly reason: string | null;
  readonly exitCode: number | null;
  readonly weightsDir: string | null;
}

export interface CliLaunchSpec {
  readonly node: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly metricsLog: string;
  /** The terminal's name and what the panel says trains. */
  readonly title: string;
  readonly backend: string;
}

/** A stopped run gets this long to save its checkpoint and weights before it is killed. */
const STOP_GRACE_MS = 120_000;

/** Terminal output kept for the error message: the last lines are enough. */
const TAIL_CHARS = 4000;

export class CliRun implements BackgroundRun {
  readonly batches: BackgroundRun['batches'] = [];
  readonly history: EpochRecord[] = [];
  readonly paused = false;
  /** The process has no pause: the panel disables its Pause button. */
  readonly canPause = false;
  backend: string;
  epochs: number | null = null;
  /** Told of each finished epoch (the progress notification). */
  onEpoch: (r: Extract<MetricsRecord, { event: 'epoch' }>) => void = () => undefined;
  private child: ChildProcess | undefined;
  private end: Extract<MetricsRecord, { event: 'end' }> | null = null;
  private output = '';
  /** Output written before the terminal opened (VS Code drops it otherwise), at most TAIL_CHARS of it. */
  private early: string | null = '';
  private exited = false;
  private stopping: NodeJS.Timeout | undefined;
  private readonly follower: MetricsFollower;
  private readonly write = new vscode.EventEmitter<string>();
  private readonly terminal: vscode.Terminal;

  constructor(
    private readonly host: TrainingHost,
    readonly uri: string,
    readonly model: string,
    private readonly spec: CliLaunchSpec,
  ) {
    this.backend = spec.backend;
    // Records from earlier runs stay in the appended log: only what this run adds is read.
    this.follower = new MetricsFollower(spec.metricsLog, (r) => this.record(r), fileSize(spec.metricsLog));
    this.terminal = vscode.window.createTerminal({ name: spec.title, pty: this.pty(), isTransient: true });
  }

  /** The terminal shows the child's output; Ctrl-C there or closing it stops the run as Stop does. */
  private pty(): vscode.Pseudoterminal {
    return {
      onDidWrite: this.write.event,
      open: () => {
        this.write.fire(this.early ?? '');
        this.early = null;
      },
      close: () => this.stop(),
      handleInput: (data) => {
        if (data.includes('\x03')) this.stop();
      },
    };
  }

  /** Starts the process; resolves when it has exited and the log is read to its end. */
  run(): Promise<CliOutcome> {
    this.terminal.show(true);
    this.print(`$ stride ${this.spec.args.slice(1).join(' ')}\n`);
    this.follower.start();
    return new Promise((resolve) => {
      const child = spawn(this.spec.node, [...this.spec.args], { cwd: this.spec.cwd, env: this.spec.env, stdio: ['ignore', 'pipe', 'pipe'] });
      this.child = child;
      child.stdout?.setEncoding('utf8').on('data', (s: string) => this.print(s));
      child.stderr?.setEncoding('utf8').on('data', (s: string) => this.print(s));
      let settled = false;
      const settle = (code: number | null, failure?: string) => {
        if (settled) return;
        settled = true;
        this.exited = true;
        this.print(`\n[stride train ${code === null ? 'did not exit normally' : `exited with code ${code}`}]\n`);
        clearTimeout(this.stopping);
        void this.follower.finish().then(() => resolve(this.outcome(code, failure)));
      };
      child.on('error', (e) => settle(null, `could not start ${this.spec.node}: ${e.message}`));
      child.on('close', (code) => settle(code));
    });
  }

  private print(s: string): void {
    this.output = (this.output + s).slice(-TAIL_CHARS);
    const text = s.replace(/\r?\n/g, '\r\n');
    if (this.early === null) this.write.fire(text);
    else this.early = (this.early + text).slice(-TAIL_CHARS);
  }

  private record(r: MetricsRecord): void {
    if (r.event === 'start' && r.backend) this.backend = `${this.spec.backend}: ${r.backend}`;
    if (r.event === 'start') return this.panel()?.postBackground(replayMessage(this));
    if (r.event === 'end') return void (this.end = r);
    this.epochs = r.epochs ?? this.epochs;
    // A non-finite loss cannot be drawn; the run's end record says it diverged.
    if (r.loss === null) return;
    const e: EpochRecord = { epoch: r.epoch, loss: r.loss, accuracy: r.accuracy, valLoss: r.valLoss, valAccuracy: r.valAccuracy };
    this.history.push(e);
    const point = epochAsBatch(r, r.loss);
    recordBatch(this, point);
    this.panel()?.postBackground({ type: 'backgroundBatch', progress: point });
    this.panel()?.postBackground({ type: 'backgroundEpoch', record: e });
    this.host.log(`${this.model}: epoch ${r.epoch}${r.epochs ? `/${r.epochs}` : ''}: loss ${r.loss.toFixed(4)}`);
    this.onEpoch(r);
  }

  private outcome(code: number | null, failure?: string): CliOutcome {
    const end = this.end;
    if (end && (end.status === 'completed' || end.status === 'stopped' || end.status === 'diverged'))
      return { status: end.status, reason: end.reason, exitCode: code, weightsDir: end.weightsDir };
    const last = this.output.trim().split('\n').pop()?.trim();
    const reason = failure ?? (last ? `stride train exited with code ${code}: ${last}` : `stride train exited with code ${code}`);
    return { status: 'error', reason, exitCode: code, weightsDir: null };
  }

  private panel() {
    return this.host.panelFor(this.uri, this.model);
  }

  /** SIGINT, as Ctrl-C in a shell: the CLI saves a checkpoint and the weights, then exits; a hung one is killed. */
  stop(): void {
    if (this.stopping || !this.child || this.exited) return;
    this.print('\nStopping: the run saves its weights, then exits…\n');
    this.child.kill('SIGINT');
    this.stopping = setTimeout(() => this.child?.kill('SIGKILL'), STOP_GRACE_MS);
  }

  pause(): void {
    void vscode.window.showInformationMessage(`Stride: a ${this.spec.backend} run cannot pause; Stop ends it and keeps the weights.`);
  }

  resume(): void {
    // Never paused.
  }

  /** Extension shutdown: asked to stop as Stop does; the process saves and exits on its own. */
  terminate(): void {
    this.stop();
  }
}

/** The panel draws batches on its per-batch charts: a finished epoch is drawn there as one point at its end. */
function epochAsBatch(r: Extract<MetricsRecord, { event: 'epoch' }>, loss: number): BackgroundBatch {
  return {
    epoch: r.epoch,
    epochs: Math.max(r.epochs ?? r.epoch, r.epoch),
    batch: 1,
    batches: 1,
    loss,
    accuracy: r.accuracy,
    samplesPerSecond: r.samplesPerSecond ?? 0,
    etaSeconds: null,
    lr: r.lr ?? null,
  };
}
