// Node-only files of the training panel: trained weights beside the model file and run checkpoints, both written atomically.

import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkCheckpoint, checkWeights, type CheckpointPayload, type SavedMetadata, type WeightsPayload } from '../../protocol/training';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

/** `resnet8.stride` + `ResNet8` → `resnet8.weights/ResNet8`, next to the model file. */
export function weightsDir(modelFile: string, model: string): string {
  const base = path.basename(modelFile).replace(/\.stride$/i, '');
  return path.join(path.dirname(modelFile), `${base}.weights`, model);
}

/** `resnet8.stride` + `ResNet8` → `resnet8.runs/ResNet8`: the run folder `stride train` writes by default (cli/train.ts). */
export function runDir(modelFile: string, model: string): string {
  const parsed = path.parse(path.resolve(modelFile));
  return path.join(parsed.dir, `${parsed.name}.runs`, model);
}

/** A checkpoint folder per (document, model) under the extension's storage. */
export function checkpointDir(storageRoot: string, uri: string, model: string): string {
  const key = crypto.createHash('sha256').update(`${uri}\n${model}`).digest('hex').slice(0, 24);
  return path.join(storageRoot, 'checkpoints', key);
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

/**
 * Writes the files into a sibling temporary folder and swaps it in with renames (the layout and `.previous` fallback
 * of train/weights.ts), so a crash or a full disk never leaves half-written weights where the old ones were.
 */
export function writeFolderAtomically(dir: string, files: Readonly<Record<string, Uint8Array>>): void {
  const parent = path.dirname(path.resolve(dir));
  fs.mkdirSync(parent, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(parent, `.${path.basename(dir)}.tmp-`));
  try {
    for (const [name, data] of Object.entries(files)) writeSynced(path.join(tmp, name), data);
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
    fs.rmSync(previous, { recursive: true, force: true });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** The folder to read: the saved one, or its `.previous` copy when a save was interrupted between the renames. */
function readable(dir: string): string | null {
  if (fs.existsSync(path.join(dir, MODEL_JSON))) return dir;
  if (fs.existsSync(path.join(`${dir}.previous`, MODEL_JSON))) return `${dir}.previous`;
  return null;
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

/** Saved weights, or null when there are none; damaged files are an error that says which file. */
export function readSavedWeights(dir: string): WeightsPayload | null {
  const use = readable(dir);
  if (!use) return null;
  const jsonPath = path.join(use, MODEL_JSON);
  let json: { weightsManifest?: { weights?: unknown[] }[] };
  try {
    json = JSON.parse(fs.readFileSync(jsonPath, 'utf8'));
  } catch (e) {
    throw new Error(`'${jsonPath}' is not valid JSON: ${e instanceof Error ? e.message : String(e)}.`);
  }
  const specs = (json.weightsManifest ?? []).flatMap((g) => g.weights ?? []);
  const data = new Uint8Array(fs.readFileSync(path.join(use, WEIGHTS_BIN)));
  try {
    return checkWeights({ specs, data });
  } catch (e) {
    throw new Error(`The saved weights in '${use}' are damaged: ${e instanceof Error ? e.message : String(e)}.`);
  }
}

export function writeCheckpoint(dir: string, c: CheckpointPayload): void {
  const meta = { model: c.model, epoch: c.epoch, history: c.history, specs: c.weights.specs };
  writeFolderAtomically(dir, { 'checkpoint.json': Buffer.from(JSON.stringify(meta)), [WEIGHTS_BIN]: c.weights.data });
}

/** The stored checkpoint, validated; null when there is none or it cannot be trusted (it is only a convenience). */
export function readCheckpoint(dir: string): CheckpointPayload | null {
  try {
    const meta = JSON.parse(fs.readFileSync(path.join(dir, 'checkpoint.json'), 'utf8')) as { specs?: unknown } & Record<string, unknown>;
    const data = new Uint8Array(fs.readFileSync(path.join(dir, WEIGHTS_BIN)));
    return checkCheckpoint({ ...meta, weights: { specs: meta.specs, data } });
  } catch {
    return null;
  }
}

export function removeCheckpoint(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}
