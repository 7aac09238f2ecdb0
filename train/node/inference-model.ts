// A model ready for prediction: built from the lowered source, the saved weights loaded, batch norms folded into
// the convolutions before them (train/inference-fold.ts). `stride predict` and the inference benchmark use it.
import type * as tf from '@tensorflow/tfjs';
import type { TrainingModel } from '../../protocol/training-model';
import { foldForInference } from '../inference-fold';
import { buildModel } from '../model-builder';
import type { StrideMetadata } from './saved-files';
import { loadWeightsInto } from './weights';

export interface InferenceModel {
  readonly model: tf.LayersModel;
  readonly meta: StrideMetadata | undefined;
  /** Batch norms folded into convolutions. */
  readonly folded: number;
  dispose(): void;
}

/** Loads the weights in `dir` (a weights folder) into the model of `training` and folds it for inference. */
export function loadInferenceModel(training: TrainingModel, dir: string): InferenceModel {
  const trained = buildModel(training, { placeholder: true });
  try {
    const meta = loadWeightsInto(trained, dir);
    const { model, folded } = foldForInference(training, trained);
    if (model !== trained) trained.dispose();
    return { model, meta, folded, dispose: () => model.dispose() };
  } catch (e) {
    trained.dispose();
    throw e;
  }
}
