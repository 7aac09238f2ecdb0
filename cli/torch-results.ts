// What a PyTorch run brings back besides its log, in the files the Node trainer writes: the last and the best epoch's
// weights as Stride's folders (weights/, best/), results.json and predictions.csv from the last validation pass's
// scores, metrics.csv and TensorBoard event files from the epoch records.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ModelAnalysis } from '../core/analyze';
import { decodeSafetensors } from '../core/export/safetensors';
import type { TrainingModel } from '../protocol/training-model';
import { judgedPerClass, type Evaluation } from '../train/evaluate';
import type { OutputForm } from '../train/objective';
import { classResults } from '../train/results';
import type { EpochProgress } from '../train/trainer';

/** result.json of train.py: its end record, with the files it left in the project folder. */
export interface TorchEnd {
  readonly event: string;
  readonly status: string;
  readonly reason?: string | null;
  readonly seed?: number;
  readonly weightsFile?: string | null;
  readonly bestFile?: string;
  readonly best?: { readonly epoch: number; readonly monitor: string; readonly value: number };
  readonly validationFile?: string | null;
}

export interface BroughtBack {
  readonly weightsDir?: string;
  readonly bestDir?: string;
  readonly evaluation?: Evaluation;
  readonly resultFiles?: { readonly results: string; readonly predictions: string };
  readonly metricsTable: string;
}

export interface BringBackOptions {
  readonly model: ModelAnalysis;
  readonly training: TrainingModel;
  readonly outDir: string;
  readonly project: string;
  readonly end: TorchEnd;
  /** This run's epoch records, as the metrics log holds them. */
  readonly epochs: readonly EpochProgress[];
  readonly tensorboardDir?: string;
}

export async function bringBack(o: BringBackOptions): Promise<BroughtBack> {
  // By path, as the Node trainer is: tfjs loads only when weights come back.
  const mod = require('../train/node/torch-weights') as typeof import('../train/node/torch-weights');
  const convert = async (file: string | null | undefined, name: string) => {
    if (!file) return undefined;
    const dir = path.join(o.outDir, name);
    await mod.importTorchWeights({ model: o.model, training: o.training, file, outDir: dir });
    return dir;
  };
  const weightsDir = await convert(o.end.weightsFile, 'weights');
  const bestDir = o.end.best ? await convert(o.end.bestFile, 'best') : undefined;
  const { RunLogs } = require('../train/node/logs/run-logs') as typeof import('../train/node/logs/run-logs');
  const logs = new RunLogs({ outDir: o.outDir, tensorboardDir: o.tensorboardDir });
  for (const p of o.epochs) logs.tables(p);
  const evaluation = o.end.validationFile ? validationResults(o.end.validationFile, o.project) : undefined;
  const { writeResults } = require('../train/node/logs/results-files') as typeof import('../train/node/logs/results-files');
  const resultFiles = evaluation && writeResults(o.outDir, evaluation);
  return { weightsDir, bestDir, evaluation, resultFiles, metricsTable: logs.csv.file };
}

/**
 * The per-class results of validation.safetensors (the split's sample indices, their labels and the last pass's
 * scores, as train.py gathered them on rank 0), under the same conditions as the Node trainer's: a classifier with
 * two classes or more whose first output has one unit or one per class.
 */
export function validationResults(file: string, project: string): Evaluation | undefined {
  const config = JSON.parse(fs.readFileSync(path.join(project, 'stride.json'), 'utf8')) as { outputForm: OutputForm; data: { classes: string[] } };
  const bytes = fs.readFileSync(file);
  const { tensors } = decodeSafetensors(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const [indices, labels, scores] = ['indices', 'labels', 'scores'].map((k) => tensors.get(k));
  if (!indices || !labels || !scores) throw new Error(`${file} lacks the indices, labels or scores of the validation pass`);
  const classes = config.data.classes;
  const units = scores.shape[1] ?? 0;
  if (!judgedPerClass(indices.data.length, classes.length, units)) return undefined;
  const ints = (t: typeof indices) => Int32Array.from(t.data as BigInt64Array, Number);
  const predictions = { scores: scores.data as Float32Array, units, labels: ints(labels), indices: ints(indices), form: config.outputForm };
  return { predictions, results: classResults(predictions, classes) };
}
