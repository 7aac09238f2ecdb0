// Runs one export: checks the model, builds weights only when a format asks, writes the files it returns.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Analysis, ModelAnalysis } from '../core/analyze';
import { trainingModel } from '../ide/training-model';
import type { DataSpec } from '../protocol/training-model';
import { exportWeights, type ExportWeights } from '../train/node/export-weights';
import { ExportRefused, type ExportFormat, type ExportOutput } from './formats';

export interface ExportOptions {
  readonly logits?: boolean;
  /** A weights folder or run folder with trained weights; else the seeded initial weights. */
  readonly weightsDir?: string;
  /** The seed of the initial weights (the train section's, else 1). */
  readonly seed?: number;
  /** The model file (formats that pack data resolve relative folders against it) and a replacement `data:`. */
  readonly file?: string;
  readonly dataOverride?: DataSpec;
  /** torch-ddp: list an image folder for the project to read instead of packing it (ExportJob.streamData). */
  readonly streamData?: boolean;
  /** torch-ddp: the run's `--limit` (ExportJob.limit). */
  readonly limit?: number;
}

/** Produces a format's files for `model` (in memory); throws ExportRefused for a model the format cannot express. */
export async function produceExport(format: ExportFormat, analysis: Analysis, model: ModelAnalysis, options: ExportOptions = {}): Promise<ExportOutput> {
  let weights: Promise<ExportWeights> | undefined;
  return format.run({
    analysis,
    model,
    logits: options.logits === true,
    trained: options.weightsDir !== undefined,
    weights: () => (weights ??= loadWeights(model, options)),
    file: options.file,
    dataOverride: options.dataOverride,
    streamData: options.streamData,
    limit: options.limit,
  });
}

async function loadWeights(model: ModelAnalysis, options: ExportOptions): Promise<ExportWeights> {
  const lowered = trainingModel(model);
  if (!lowered.ok) throw new ExportRefused(`model '${model.graph.name}' cannot be built for its weights: ${lowered.error}`);
  return exportWeights(lowered.value, { weightsDir: options.weightsDir, seed: options.seed ?? lowered.value.settings.seed });
}

/** Writes an export's files at `out` (a file, or a folder for multi-file formats); returns the paths written. */
export function writeExport(output: ExportOutput, out: string): string[] {
  const written: string[] = [];
  for (const file of output.files) {
    const target = file.sibling ? out.replace(/(\.[^./\\]*)?$/, file.sibling) : file.path === '' ? out : path.join(out, file.path);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    // Written beside and renamed over: an interrupted export never leaves half a file where a good one was.
    const partial = `${target}.partial`;
    fs.writeFileSync(partial, file.data);
    fs.renameSync(partial, target);
    written.push(target);
  }
  return written;
}
