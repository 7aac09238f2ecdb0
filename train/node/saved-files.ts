// Node-only, no tfjs: where trained weights live on disk, and the atomic folder write every save goes through.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as tf from '@tensorflow/tfjs';

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

/** `resnet8.stride` + `ResNet8` → `resnet8.runs/ResNet8`: the run folder `stride train` (and a background run) writes. */
export function runDir(modelFile: string, model: string): string {
  const parsed = path.parse(path.resolve(modelFile));
  return path.join(parsed.dir, `${parsed.name}.runs`, model);
}

/** `resnet8.stride` + `ResNet8` → `resnet8.weights/ResNet8`: the training panel's weights, next to the model file. */
export function weightsDir(modelFile: string, model: string): string {
  const base = path.basename(modelFile).replace(/\.stride$/i, '');
  return path.join(path.dirname(modelFile), `${base}.weights`, model);
}

export interface WriteHooks {
  /** Runs after the new files are complete in the temporary folder, before they replace the old ones. */
  readonly beforeCommit?: (tmpDir: string) => void;
}

/**
 * Writes the files (in the given order) to a sibling temporary folder, fsyncs files and folder, then swaps it in with
 * renames. A failure before the swap leaves the previous folder untouched; a crash between the two renames leaves it
 * in `<dir>.previous`, which `savedFolder` falls back to.
 */
export function writeFolderAtomically(dir: string, files: Readonly<Record<string, Uint8Array>>, hooks: WriteHooks = {}): void {
  const target = path.resolve(dir);
  const parent = path.dirname(target);
  fs.mkdirSync(parent, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(parent, `.${path.basename(target)}.tmp-`));
  try {
    for (const [name, data] of Object.entries(files)) writeSynced(path.join(tmp, name), data);
    syncDir(tmp);
    hooks.beforeCommit?.(tmp);
    commit(tmp, target);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** The folder to read: `dir` when it holds a model.json, else its `.previous` copy when it does, else null. */
export function savedFolder(dir: string): string | null {
  if (fs.existsSync(path.join(dir, MODEL_JSON))) return dir;
  if (fs.existsSync(path.join(`${dir}.previous`, MODEL_JSON))) return `${dir}.previous`;
  return null;
}

export interface ModelFiles {
  readonly json: { readonly weightsManifest: { readonly weights: tf.io.WeightsManifestEntry[] }[]; readonly userDefinedMetadata?: { stride?: StrideMetadata } };
  readonly weights: ArrayBuffer;
  readonly dir: string;
}

/** Reads a saved model folder, or its `.previous` copy when a save was interrupted mid-swap. */
export function loadModelFiles(dir: string): ModelFiles {
  const use = savedFolder(path.resolve(dir));
  if (!use) throw new Error(`No saved weights in '${dir}': ${MODEL_JSON} is missing. Train the model first.`);
  const jsonPath = path.join(use, MODEL_JSON);
  let json: ModelFiles['json'];
  try {
    json = JSON.parse(fs.readFileSync(jsonPath, 'utf8'));
  } catch (e) {
    throw new Error(`'${jsonPath}' is not valid JSON: ${e instanceof Error ? e.message : String(e)}.`);
  }
  const bin = fs.readFileSync(path.join(use, WEIGHTS_BIN));
  return { json, weights: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer, dir: use };
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
