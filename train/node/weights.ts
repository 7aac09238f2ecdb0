// Node-only: saves a model in the tfjs format (model.json + weights.bin) atomically, and loads it back.

import * as tf from '@tensorflow/tfjs';
import { manifestBytes } from './saved-manifest';
import { loadModelFiles, MODEL_JSON, WEIGHTS_BIN, writeFolderAtomically, type StrideMetadata, type WriteHooks } from './saved-files';

/**
 * Saves atomically (train/node/saved-files.ts): a failure before the swap leaves the previous weights untouched, and a
 * crash between its two renames leaves them in `<dir>.previous`, which `loadModelFiles` falls back to.
 */
export async function saveModel(model: tf.LayersModel, dir: string, metadata: StrideMetadata, hooks: WriteHooks = {}): Promise<void> {
  const artifacts = await captureArtifacts(model);
  const weightData = tf.io.CompositeArrayBuffer.join(artifacts.weightData!);
  writeFolderAtomically(dir, { [WEIGHTS_BIN]: new Uint8Array(weightData), [MODEL_JSON]: Buffer.from(JSON.stringify(modelJson(artifacts, metadata))) }, hooks);
}

function captureArtifacts(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  return new Promise((resolve, reject) => {
    model
      .save(
        tf.io.withSaveHandler(async (artifacts) => {
          resolve(artifacts);
          return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
        }),
      )
      .catch(reject);
  });
}

function modelJson(a: tf.io.ModelArtifacts, metadata: StrideMetadata): object {
  return {
    format: a.format,
    generatedBy: a.generatedBy,
    convertedBy: a.convertedBy,
    modelTopology: a.modelTopology,
    weightsManifest: [{ paths: [WEIGHTS_BIN], weights: a.weightSpecs }],
    userDefinedMetadata: { stride: metadata },
  };
}

/** Loads saved weights into a model built from the same source; names and shapes must match. */
export function loadWeightsInto(model: tf.LayersModel, dir: string): StrideMetadata | undefined {
  const files = loadModelFiles(dir);
  const specs = files.json.weightsManifest.flatMap((g) => g.weights);
  const total = manifestBytes(files.json);
  if (total !== BigInt(files.weights.byteLength)) {
    throw new Error(`'${files.dir}/${WEIGHTS_BIN}' holds ${files.weights.byteLength} bytes but ${MODEL_JSON} describes ${total}; the save is damaged.`);
  }
  const tensors = byModelNames(model, tf.io.decodeWeights(files.weights, specs));
  try {
    model.loadWeights(tensors, true);
  } catch (e) {
    throw new Error(
      `The weights in '${files.dir}' do not fit model '${model.name}': ${e instanceof Error ? e.message : String(e)}. Was the model changed since training?`,
    );
  } finally {
    tf.dispose(Object.values(tensors));
  }
  return files.json.userDefinedMetadata?.stride;
}

/** A weight's name without the counter tfjs puts in a wrapped layer's name (`lstm_1/forward_lstm_LSTM3/kernel`). */
const wrapperFree = (name: string) => name.replace(/\/(forward|backward)_[^/]*\//, '/$1/');

/**
 * Saved names as the model names them: a bidirectional layer's inner cells are named by a process-wide counter, so
 * the same source built twice (or in another process) names them differently; every other name is kept.
 */
function byModelNames(model: tf.LayersModel, saved: tf.NamedTensorMap): tf.NamedTensorMap {
  const current = new Map(model.weights.map((w) => [wrapperFree(w.originalName), w.originalName]));
  const renamed: tf.NamedTensorMap = {};
  for (const [name, tensor] of Object.entries(saved)) renamed[current.get(wrapperFree(name)) ?? name] = tensor;
  return renamed;
}
