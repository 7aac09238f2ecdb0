// The weights an export writes: a model's saved (trained) weights, or its seeded initial ones.

import type { ModelWeights } from '../../core/export/weights';
import type { TrainingModel } from '../../protocol/training-model';
import { modelWeights } from '../export-weights';
import { buildModel } from '../model-builder';
import { selectBackend } from './backends/select';
import { findSavedWeights, type StrideMetadata } from './saved-files';
import { loadWeightsInto } from './weights';

export interface ExportWeights {
  readonly weights: ModelWeights;
  /** Where trained weights came from; absent when they are the seeded initial ones. */
  readonly from?: string;
  readonly metadata?: StrideMetadata;
}

/**
 * The backend is chosen once per process: a long-lived host (the editor's export bundle) exports many times, and in a
 * bundle a second attempt at the absent tfjs-node finds webpack's cached half-loaded module instead of failing again.
 */
let backendSelected: Promise<unknown> | undefined;

/**
 * Builds `model` with tfjs and returns its weights: loaded from `weightsDir` (a weights folder or a run folder) when
 * given, else the initial weights of `seed` (the same seed as training uses, so an export is reproducible).
 */
export async function exportWeights(model: TrainingModel, options: { readonly weightsDir?: string; readonly seed?: number } = {}): Promise<ExportWeights> {
  await (backendSelected ??= selectBackend({ warn: () => undefined }));
  const built = buildModel(model, { seed: options.seed ?? 1 });
  try {
    if (options.weightsDir === undefined) return { weights: modelWeights(built) };
    const dir = findSavedWeights(options.weightsDir)?.dir ?? options.weightsDir;
    const metadata = loadWeightsInto(built, dir);
    return { weights: modelWeights(built), from: dir, metadata };
  } finally {
    built.dispose();
  }
}
