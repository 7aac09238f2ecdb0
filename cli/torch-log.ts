// Follows the metrics log a PyTorch run writes and prints the lines `stride train` prints for its own runs.

import * as fs from 'node:fs';
import type { EpochProgress } from '../train/trainer';
import { resultsText } from './results-table';
import { lrText } from './train';
import type { BroughtBack, TorchEnd } from './torch-results';

/** One record of the metrics log: `start`, `epoch` (the trainer's EpochProgress fields) or `end`. */
export interface LogRecord {
  readonly event: string;
  readonly [field: string]: unknown;
}

interface EpochRecord {
  readonly epoch: number;
  readonly epochs: number;
  readonly loss: number;
  readonly metrics: Record<string, number>;
  readonly valLoss?: number;
  readonly valMetrics?: Record<string, number>;
  readonly seconds: number;
  readonly samplesPerSecond: number;
  readonly lr?: number;
}

const metricsText = (m: Record<string, number> = {}) =>
  Object.entries(m)
    .map(([k, v]) => `, ${k} ${v.toFixed(4)}`)
    .join('');

export class MetricsTail {
  private offset: number;
  private partial = '';
  private backend = 'PyTorch';
  /** This run's epoch records, as train.py logged them (the trainer's EpochProgress fields). */
  readonly epochs: EpochProgress[] = [];

  constructor(
    readonly file: string,
    private readonly stream: NodeJS.WritableStream,
  ) {
    // Only what this run adds is shown: the log keeps earlier runs' records above.
    this.offset = fs.existsSync(file) ? fs.statSync(file).size : 0;
  }

  /** Polls the log while `work` runs, then reads what is left. */
  async during<T>(work: () => Promise<T>): Promise<T> {
    const timer = setInterval(() => this.poll(), 250);
    try {
      return await work();
    } finally {
      clearInterval(timer);
      this.poll();
    }
  }

  poll(): void {
    let fd: number;
    try {
      fd = fs.openSync(this.file, 'r');
    } catch {
      return;
    }
    try {
      const size = fs.fstatSync(fd).size;
      if (size <= this.offset) return;
      const buf = Buffer.alloc(size - this.offset);
      fs.readSync(fd, buf, 0, buf.length, this.offset);
      this.offset = size;
      const lines = (this.partial + buf.toString('utf8')).split('\n');
      this.partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) this.show(JSON.parse(line) as LogRecord);
    } finally {
      fs.closeSync(fd);
    }
  }

  private show(r: LogRecord): void {
    if (r.event === 'start') {
      this.backend = String(r.backend);
      this.stream.write(`Backend: ${this.backend}\n`);
      this.stream.write(
        `Data: ${String(r.data)}, ${String(r.samples)} training samples${r.resumedFrom ? `, resuming after epoch ${String(r.resumedFrom)}` : ''}\n`,
      );
    } else if (r.event === 'epoch') {
      const p = r as unknown as EpochRecord;
      this.epochs.push(r as unknown as EpochProgress);
      const lr = typeof p.lr === 'number' ? ` · lr ${lrText(p.lr)}` : '';
      const val = p.valLoss !== undefined ? ` · val loss ${p.valLoss.toFixed(4)}${metricsText(p.valMetrics)}` : '';
      this.stream.write(
        `epoch ${p.epoch}/${p.epochs}: loss ${p.loss.toFixed(4)}${metricsText(p.metrics)}${val}${lr} · ${p.seconds.toFixed(1)} s · ${Math.round(p.samplesPerSecond)} samples/s\n`,
      );
    }
  }

  /** Adds a record as the trainer would (a whole line, with its time), after the run's own records. */
  append(record: LogRecord): void {
    this.poll();
    fs.appendFileSync(this.file, `${JSON.stringify({ time: new Date().toISOString(), ...record })}\n`);
    this.offset = fs.statSync(this.file).size;
  }

  /** The summary `stride train` prints at the end of its own runs. */
  report(model: string, end: TorchEnd, back: BroughtBack): void {
    const out = process.stdout;
    const word = end.status === 'completed' ? 'Finished' : end.status === 'stopped' ? 'Stopped' : 'Diverged';
    out.write(`${word}: ${model} on ${this.backend}${end.reason ? ` — ${String(end.reason)}` : ''}\n`);
    const last = this.epochs[this.epochs.length - 1];
    if (last) {
      const val = last.valLoss !== undefined ? `; validation loss ${last.valLoss.toFixed(4)}${metricsText(last.valMetrics)}` : '';
      out.write(`Final evaluation after epoch ${last.epoch}: train loss ${last.loss.toFixed(4)}${metricsText(last.metrics)}${val}\n`);
    }
    if (back.evaluation && back.resultFiles) out.write(resultsText(back.evaluation.results, back.resultFiles.results));
    if (back.weightsDir) out.write(`Weights: ${back.weightsDir}\n`);
    if (end.best && back.bestDir) out.write(`Best: ${end.best.monitor} ${end.best.value.toFixed(4)} at epoch ${end.best.epoch}, weights in ${back.bestDir}\n`);
    out.write(`Metrics log: ${this.file}\n`);
    out.write(`Metrics table: ${back.metricsTable}\n`);
  }
}
