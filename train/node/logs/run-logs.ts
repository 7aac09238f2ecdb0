// Everything a training run writes besides its weights: metrics.jsonl (every run, Stride's own format), metrics.csv
// (the latest run) and, when asked, TensorBoard event files — one definition of an epoch's row for all three.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EpochProgress } from '../../trainer';
import { CsvLog } from './csv';
import { EventFileWriter } from './tensorboard';

export const METRICS_JSONL = 'metrics.jsonl';
export const METRICS_CSV = 'metrics.csv';

export interface RunLogOptions {
  /** The run folder: metrics.jsonl and metrics.csv go here. */
  readonly outDir: string;
  /** TensorBoard log folder: `train/` and `validation/` event files go under it. */
  readonly tensorboardDir?: string;
  /** Epochs a resumed run's checkpoint holds: metrics.csv keeps their rows. */
  readonly resumedEpochs?: number;
}

/** One row per epoch: epoch, loss, training metrics, validation loss and metrics (`val_` prefixed, as Keras), timing. */
export function epochRow(p: EpochProgress): Record<string, number> {
  const row: Record<string, number> = { epoch: p.epoch, loss: p.loss, ...p.metrics };
  if (p.valLoss !== undefined) row.val_loss = p.valLoss;
  for (const [k, v] of Object.entries(p.valMetrics ?? {})) row[`val_${k}`] = v;
  row.lr = p.lr;
  row.seconds = p.seconds;
  row.samples_per_second = p.samplesPerSecond;
  return row;
}

export class RunLogs {
  readonly jsonl: string;
  readonly csv: CsvLog;
  private readonly board?: { readonly train: EventFileWriter; readonly validation: EventFileWriter };

  constructor(o: RunLogOptions) {
    fs.mkdirSync(o.outDir, { recursive: true });
    this.jsonl = path.join(o.outDir, METRICS_JSONL);
    this.csv = new CsvLog(path.join(o.outDir, METRICS_CSV), o.resumedEpochs);
    if (o.tensorboardDir !== undefined) {
      const dir = path.resolve(o.tensorboardDir);
      this.board = { train: new EventFileWriter(path.join(dir, 'train')), validation: new EventFileWriter(path.join(dir, 'validation')) };
    }
  }

  /** Appends one JSON object per line; each write is a whole line so a crash never leaves half a record. */
  record(record: object): void {
    fs.appendFileSync(this.jsonl, `${JSON.stringify({ time: new Date().toISOString(), ...record })}\n`);
  }

  epoch(p: EpochProgress): void {
    this.record({ event: 'epoch', ...p });
    this.tables(p);
  }

  /** The epoch's row in metrics.csv and TensorBoard only (a PyTorch run writes metrics.jsonl itself). */
  tables(p: EpochProgress): void {
    this.csv.write(epochRow(p));
    if (!this.board) return;
    const wallTime = Date.now() / 1000;
    // Keras's names: `epoch_loss`, `epoch_accuracy`… in train/ and validation/, so both curves share one chart.
    const tagged = (values: Readonly<Record<string, number>>) => Object.fromEntries(Object.entries(values).map(([k, v]) => [`epoch_${k}`, v]));
    this.board.train.write({ wallTime, step: p.epoch, scalars: tagged({ loss: p.loss, ...p.metrics, learning_rate: p.lr }) });
    if (p.valLoss !== undefined) this.board.validation.write({ wallTime, step: p.epoch, scalars: tagged({ loss: p.valLoss, ...p.valMetrics }) });
  }
}
