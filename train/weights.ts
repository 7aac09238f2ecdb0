// Node-only: saves a model in the tfjs format (model.json + weights.bin) atomically, and loads it back.

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

/** What Stride records beside the tfjs artifacts, so `predict` can name classes and check inputs. */
export interface StrideMetadata {
  readonly model: string;
  readonly inputShape: readonly (number | null)[];
  readonly classes: readonly string[];
  readonly dataset?: string;
  readonly epochs?: number;
  readonly seed?: number;
}

export interface SaveHooks {
  /** Runs after the new files are complete in the temporary folder, before they replace the old ones. */
  readonly beforeCommit?: (tmpDir: string) => void;
}

/**
 * Writes to a sibling temporary folder, fsyncs files and folder, then swaps it in with renames.
 * A failure before the swap leaves the previous weights untouched; a crash between the two renames
 * leaves them in `<dir>.previous`, which `loadModelFiles` falls back to.
 */
export async function saveModel(model: tf.LayersModel, dir: string, metadata: StrideMetadata, hooks: SaveHooks = {}): Promise<void> {
  const artifacts = await captureArtifacts(model);
  const parent = path.dirname(path.resolve(dir));
  fs.mkdirSync(parent, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(parent, `.${path.basename(dir)}.tmp-`));
  try {
    const weightData = tf.io.CompositeArrayBuffer.join(artifacts.weightData!);
    writeSynced(path.join(tmp, WEIGHTS_BIN), new Uint8Array(weightData));
    writeSynced(path.join(tmp, MODEL_JSON), Buffer.from(JSON.stringify(modelJson(artifacts, metadata))));
    syncDir(tmp);
    hooks.beforeCommit?.(tmp);
    commit(tmp, path.resolve(dir));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
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

function writeSynced(file: string, data: Uint8Array): void {
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function syncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Moves the complete temporary folder into place; the old folder is restored if the move fails. */
function commit(tmp: string, dir: string): void {
  const previous = `${dir}.previous`;
  fs.rmSync(previous, { recursive: true, force: true });
  const hadOld = fs.existsSync(dir);
  if (hadOld) fs.renameSync(dir, previous);
  try {
    fs.renameSync(tmp, dir);
  } catch (e) {
    if (hadOld) fs.renameSync(previous, dir);
    throw e;
  }
  syncDir(path.dirname(dir));
  fs.rmSync(previous, { recursive: true, force: true });
}

export interface ModelFiles {
  readonly json: { readonly weightsManifest: { readonly weights: tf.io.WeightsManifestEntry[] }[]; readonly userDefinedMetadata?: { stride?: StrideMetadata } };
  readonly weights: ArrayBuffer;
  readonly dir: string;
}

/** Reads a saved model folder, or its `.previous` copy when a save was interrupted mid-swap. */
export function loadModelFiles(dir: string): ModelFiles {
  const resolved = path.resolve(dir);
  const use = fs.existsSync(path.join(resolved, MODEL_JSON)) ? resolved : `${resolved}.previous`;
  const jsonPath = path.join(use, MODEL_JSON);
  if (!fs.existsSync(jsonPath)) throw new Error(`No saved weights in '${dir}': ${MODEL_JSON} is missing. Train the model first.`);
  let json: ModelFiles['json'];
  try {
    json = JSON.parse(fs.readFileSync(jsonPath, 'utf8'));
  } catch (e) {
    throw new Error(`'${jsonPath}' is not valid JSON: ${e instanceof Error ? e.message : String(e)}.`);
  }
  const bin = fs.readFileSync(path.join(use, WEIGHTS_BIN));
  return { json, weights: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer, dir: use };
}

/** Loads saved weights into a model built from the same source; names and shapes must match. */
export function loadWeightsInto(model: tf.LayersModel, dir: string): StrideMetadata | undefined {
  const files = loadModelFiles(dir);
  const specs = files.json.weightsManifest.flatMap((g) => g.weights);
  const total = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1) * 4, 0);
  if (total !== files.weights.byteLength) {
    throw new Error(`'${files.dir}/${WEIGHTS_BIN}' holds ${files.weights.byteLength} bytes but ${MODEL_JSON} describes ${total}; the save is damaged.`);
  }
  const tensors = tf.io.decodeWeights(files.weights, specs);
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
