// Node-only, no tfjs: where trained weights live on disk, and the atomic folder write every save goes through.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkModelJson, MAX_MODEL_JSON_BYTES, MAX_WEIGHTS_BYTES, type ModelJson } from './saved-manifest';
import { checkPathGiven, checkWeightsFolderOwned, cleanStaleTemps, markerBytes, tempPrefix, WEIGHTS_MARKER } from './saved-owner';

export type { StrideMetadata } from './saved-manifest';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

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
 * in `<dir>.previous`, which `savedFolder` falls back to. Only a folder Stride wrote is replaced (NotStrideFolderError
 * otherwise), and temporary folders of earlier saves that were killed are removed first.
 */
export function writeFolderAtomically(dir: string, files: Readonly<Record<string, Uint8Array>>, hooks: WriteHooks = {}): void {
  checkPathGiven(dir, 'weights');
  const target = path.resolve(dir);
  checkWeightsFolderOwned(target);
  checkWeightsFolderOwned(`${target}.previous`);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  cleanStaleTemps(target);
  const tmp = fs.mkdtempSync(tempPrefix(target));
  try {
    for (const [name, data] of Object.entries(files)) writeSynced(path.join(tmp, name), data);
    writeSynced(path.join(tmp, WEIGHTS_MARKER), markerBytes('weights'));
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

/** Where saved weights were found: the folder, and whether it is the `.previous` copy an interrupted save left. */
export interface FoundWeights {
  readonly dir: string;
  readonly fromPrevious: boolean;
}

/**
 * The weights folder for a run folder (`DIR/weights`) or a weights folder (`DIR`), falling back to the `.previous`
 * copy of either when a save was interrupted between its two renames; null when there are no weights at all.
 */
export function findSavedWeights(dir: string): FoundWeights | null {
  const at = path.resolve(dir);
  for (const base of [at, path.join(at, 'weights')]) {
    if (fs.existsSync(path.join(base, MODEL_JSON))) return { dir: base, fromPrevious: false };
  }
  for (const base of [at, path.join(at, 'weights')]) {
    if (fs.existsSync(path.join(`${base}.previous`, MODEL_JSON))) return { dir: `${base}.previous`, fromPrevious: true };
  }
  return null;
}

export interface ModelFiles {
  readonly json: ModelJson;
  readonly weights: ArrayBuffer;
  readonly dir: string;
}

/** Reads and checks a saved model folder, or its `.previous` copy when a save was interrupted mid-swap. */
export function loadModelFiles(dir: string): ModelFiles {
  const use = savedFolder(path.resolve(dir));
  if (!use) throw new Error(`No saved weights in '${dir}': ${MODEL_JSON} is missing. Train the model first.`);
  const jsonPath = path.join(use, MODEL_JSON);
  let raw: unknown;
  try {
    raw = JSON.parse(readLimited(jsonPath, MAX_MODEL_JSON_BYTES).toString('utf8'));
  } catch (e) {
    throw new Error(`'${jsonPath}' is not valid JSON: ${e instanceof Error ? e.message : String(e)}.`);
  }
  const json = checkModelJson(raw, jsonPath);
  const bin = readLimited(path.join(use, WEIGHTS_BIN), MAX_WEIGHTS_BYTES);
  return { json, weights: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer, dir: use };
}

/** Reads a whole file after checking its size, so a huge file is a clear error instead of a crash. */
function readLimited(file: string, limit: number): Buffer {
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    throw new Error(`'${file}' is missing; the save is incomplete. Train the model again.`);
  }
  if (size > limit) throw new Error(`'${file}' is ${size} bytes, more than the ${limit} bytes Stride reads; it is not a Stride save.`);
  return fs.readFileSync(file);
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
