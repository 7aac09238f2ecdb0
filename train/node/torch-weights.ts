// Weights trained with PyTorch (the torch-ddp project's weights.safetensors) saved as Stride's weights folder.

import * as fs from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import type { ModelAnalysis } from '../../core/analyze';
import { weightsFromStateDict } from '../../core/export/pytorch-weights-back';
import { decodeSafetensors } from '../../core/export/safetensors';
import type { TrainingModel } from '../../protocol/training-model';
import { modelWeights } from '../export-weights';
import { buildModel, tfName } from '../model-builder';
import { selectBackend } from './backends/select';
import { saveModel } from './weights';

export interface ImportTorchOptions {
  /** The analysed model (its module paths name the state_dict keys) and its lowering (builds the tfjs model). */
  readonly model: ModelAnalysis;
  readonly training: TrainingModel;
  /** A safetensors file of the exported module's state_dict. */
  readonly file: string;
  /** The weights folder to write (atomically: earlier weights there survive any failure). */
  readonly outDir: string;
}

/** Converts and saves; returns the class names and epochs the file's metadata gave. */
export async function importTorchWeights(o: ImportTorchOptions): Promise<{ classes: string[]; epochs?: number }> {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(o.file);
  } catch {
    throw new Error(`cannot read the PyTorch weights '${o.file}': no such file`);
  }
  const { tensors, metadata } = decodeSafetensors(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  await selectBackend({ warn: () => undefined });
  const built = buildModel(o.training, { seed: o.training.settings.seed });
  try {
    const values = weightsFromStateDict(o.model, modelWeights(built), tensors, (node) => tfName(node.name));
    const fresh = values.map((w) => tf.tensor(w.data, [...w.shape]));
    built.setWeights(fresh);
    tf.dispose(fresh);
    const classes = parseClasses(metadata.classes, o.training);
    const epochs = metadata.epochs !== undefined ? Number(metadata.epochs) : undefined;
    await saveModel(built, o.outDir, {
      model: o.training.name,
      inputShape: o.training.nodes[o.training.inputs[0]].shape ?? [],
      classes,
      dataset: metadata.dataset,
      epochs,
      seed: o.training.settings.seed,
      ...normalizationOf(metadata.normalization),
    });
    return { classes, epochs };
  } finally {
    built.dispose();
  }
}

/** The class names train.py stored (a JSON list); numbered classes when the file came from elsewhere. */
function parseClasses(text: string | undefined, training: TrainingModel): string[] {
  try {
    const parsed: unknown = text === undefined ? undefined : JSON.parse(text);
    if (Array.isArray(parsed) && parsed.every((c) => typeof c === 'string')) return parsed as string[];
  } catch {
    // Not ours: fall through to numbered classes.
  }
  const units = training.nodes[training.outputs[0]].shape?.at(-1) ?? 0;
  return Array.from({ length: units ?? 0 }, (_, i) => String(i));
}

/** The input statistics train.py trained with (`normalize:`), saved so predict applies them; none when absent or not ours. */
function normalizationOf(text: string | undefined): { normalization?: { mean: number[]; std: number[] } } {
  try {
    const parsed = (text === undefined ? undefined : JSON.parse(text)) as { mean?: unknown; std?: unknown } | undefined;
    const numbers = (v: unknown): v is number[] => Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number' && Number.isFinite(x));
    if (parsed && numbers(parsed.mean) && numbers(parsed.std) && parsed.mean.length === parsed.std.length)
      return { normalization: { mean: parsed.mean, std: parsed.std } };
  } catch {
    // Not ours: no statistics.
  }
  return {};
}
