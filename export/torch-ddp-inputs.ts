// What the torch-ddp project takes from the train section besides the model: the weights (`init:` or `--init`, else
// the seeded ones), the input statistics of `normalize:` and the fine-tuning layers, worked out here with Stride's own
// code so train.py cannot differ.

import * as path from 'node:path';
import type { ModelAnalysis } from '../core/analyze';
import { modulePath } from '../core/export/pytorch';
import type { TrainingModel } from '../protocol/training-model';
import { limitData, type Dataset } from '../train/data/dataset';
import type { Normalization } from '../train/input-pipeline';
import type { ExportWeights } from '../train/node/export-weights';
import type { ExportJob } from './formats';
import { ExportRefused } from './refusal';

/**
 * The weights initial.safetensors holds: named ones (`--init`, given as the job's weights) win; else the section's
 * `init:` folder, resolved against the model file's folder as the Node trainer does; else the seeded ones.
 */
export async function startWeights(job: ExportJob, training: TrainingModel): Promise<ExportWeights> {
  const written = training.settings.fineTune?.init;
  if (job.trained || written === undefined) return job.weights();
  const dir = job.file ? path.resolve(path.dirname(path.resolve(job.file)), written) : path.resolve(written);
  const { exportWeights } = await import('../train/node/export-weights');
  try {
    return await exportWeights(training, { weightsDir: dir, seed: training.settings.seed });
  } catch (e) {
    throw new ExportRefused(`init: "${written}" (${dir}): ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * The per-channel statistics of `normalize:` as the Node trainer resolves them (auto: from the training split of the
 * seeded split of the first `limit` samples when the run has a limit), or undefined without `normalize:`. A streamed
 * folder is never loaded here, so only fixed statistics go with it.
 */
export async function normalizationFor(
  training: TrainingModel,
  data: Dataset | undefined,
  channels: number,
  limit?: number,
): Promise<Normalization | undefined> {
  const setting = training.settings.normalize;
  if (!setting) return undefined;
  if (!data) {
    if (setting.kind === 'auto')
      throw new ExportRefused('normalize: auto needs the whole data set for its statistics; give fixed mean and std, or train without --stream-data');
    const spread = (v: readonly number[]) => (v.length === 1 ? new Array<number>(channels).fill(v[0]) : [...v]);
    if (setting.mean.length !== channels && setting.mean.length !== 1)
      throw new ExportRefused(`normalize gives ${setting.mean.length} values of mean but the input has ${channels} channels`);
    if (setting.std.length !== channels && setting.std.length !== 1)
      throw new ExportRefused(`normalize gives ${setting.std.length} values of std but the input has ${channels} channels`);
    return { mean: spread(setting.mean), std: spread(setting.std) };
  }
  const { runNormalization } = await import('../train/input-pipeline');
  try {
    // The statistics of the samples the run will use: with --limit, of the first `limit`, split as the trainer splits them.
    return runNormalization(training.settings, limitData(data, limit));
  } catch (e) {
    throw new ExportRefused(e instanceof Error ? e.message : String(e));
  }
}

/**
 * `freeze:`, `unfreeze:` and `lr_mult:` for train.py, each layer named by its module path in model.py (its
 * parameters are PATH.weight, PATH.bias, …), or null without them.
 */
export function fineTuneConfig(model: ModelAnalysis, training: TrainingModel): object | null {
  const f = training.settings.fineTune;
  if (!f || (f.freeze.length === 0 && Object.keys(f.lrMult).length === 0)) return null;
  const pathOf = (name: string): string => {
    const layer = model.layers.find((l) => l.node.name === name);
    if (!layer) throw new ExportRefused(`the train section names layer '${name}', which model '${training.name}' does not have`);
    return modulePath(model, layer.node.id);
  };
  return {
    frozen: f.freeze.map(pathOf),
    unfreeze: f.unfreeze ?? null,
    lrMult: Object.entries(f.lrMult).map(([name, mult]) => [pathOf(name), mult]),
  };
}
