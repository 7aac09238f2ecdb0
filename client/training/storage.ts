// Node-only files of the training panel: trained weights beside the model file and run checkpoints, both written
// atomically by train/node/saved-files.ts, which also names the folders.

import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkCheckpoint, checkWeights, type CheckpointPayload, type SavedMetadata, type WeightsPayload } from '../../protocol/training-payloads';
import { loadModelFiles, MODEL_JSON, savedFolder, WEIGHTS_BIN, writeFolderAtomically } from '../../train/node/saved-files';

/** A checkpoint folder per (document, model) under the extension's storage. */
export function checkpointDir(storageRoot: string, uri: string, model: string): string {
  const key = crypto.createHash('sha256').update(`${uri}\n${model}`).digest('hex').slice(0, 24);
  return path.join(storageRoot, 'checkpoints', key);
}

/** Saves in the tfjs layers-model format that `tf.loadLayersModel` and `stride predict` read. */
export function saveWeights(dir: string, model: string, topology: string, weights: WeightsPayload, metadata: SavedMetadata): void {
  const json = {
    format: 'layers-model',
    generatedBy: 'Stride',
    convertedBy: null,
    modelTopology: JSON.parse(topology) as unknown,
    weightsManifest: [{ paths: [WEIGHTS_BIN], weights: weights.specs }],
    userDefinedMetadata: { stride: { model, ...metadata } },
  };
  writeFolderAtomically(dir, { [MODEL_JSON]: Buffer.from(JSON.stringify(json)), [WEIGHTS_BIN]: weights.data });
}

/**
 * Saved weights, or null when there are none; damaged files are an error that says which file. When only the
 * `.previous` copy of an interrupted save exists, that copy is read and `warn` is told so.
 */
export function readSavedWeights(dir: string, warn?: (message: string) => void): WeightsPayload | null {
  const use = savedFolder(dir);
  if (!use) return null;
  if (use !== dir) warn?.(`the last save of these weights was interrupted; using the previous copy in ${use}.`);
  const files = loadModelFiles(dir);
  // The files are untrusted: a manifest without entries is reported as damaged weights below.
  const specs = (files.json.weightsManifest ?? []).flatMap((g) => g.weights ?? []);
  try {
    return checkWeights({ specs, data: new Uint8Array(files.weights) });
  } catch (e) {
    throw new Error(`The saved weights in '${files.dir}' are damaged: ${e instanceof Error ? e.message : String(e)}.`);
  }
}

/** The optimizer's slots of an epoch-end checkpoint, beside weights.bin (same format as a run's checkpoint/). */
const OPTIMIZER_BIN = 'optimizer.bin';

/** The weights, history and, from an epoch's end, the run's state (its weights are the checkpoint's own), atomically. */
export function writeCheckpoint(dir: string, c: CheckpointPayload): void {
  const state = c.state && { loop: c.state.loop, optimizer: c.state.optimizer.specs };
  const meta = { model: c.model, epoch: c.epoch, history: c.history, specs: c.weights.specs, state };
  const files: Record<string, Uint8Array> = { 'checkpoint.json': Buffer.from(JSON.stringify(meta)), [WEIGHTS_BIN]: c.weights.data };
  if (c.state) files[OPTIMIZER_BIN] = c.state.optimizer.data;
  writeFolderAtomically(dir, files);
}

/** The stored checkpoint, validated; null when there is none or it cannot be trusted (it is only a convenience). */
export function readCheckpoint(dir: string): CheckpointPayload | null {
  try {
    const meta = JSON.parse(fs.readFileSync(path.join(dir, 'checkpoint.json'), 'utf8')) as {
      specs?: unknown;
      state?: { loop?: unknown; optimizer?: unknown };
    } & Record<string, unknown>;
    const weights = { specs: meta.specs, data: new Uint8Array(fs.readFileSync(path.join(dir, WEIGHTS_BIN))) };
    const slots = meta.state && { specs: meta.state.optimizer, data: new Uint8Array(fs.readFileSync(path.join(dir, OPTIMIZER_BIN))) };
    return checkCheckpoint({ ...meta, weights, state: meta.state && { loop: meta.state.loop, weights, optimizer: slots } });
  } catch {
    return null;
  }
}

export function removeCheckpoint(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}
