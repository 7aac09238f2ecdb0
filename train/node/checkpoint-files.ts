// A run's checkpoint on disk (`checkpoint/` in a run folder, or the panel's storage folder): checkpoint.json (state
// and fingerprint), weights.bin and optimizer.bin, written atomically so a killed run leaves the last good one whole.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkLoopState, type TrainState } from '../../protocol/train-state';
import { checkWeights } from '../../protocol/training-payloads';
import { isObject } from '../../protocol/validate';
import type { Fingerprint } from '../checkpoint';
import { writeFolderAtomically } from './saved-files';

/** The sub-folder of a run folder holding its checkpoint. */
export const CHECKPOINT_DIR = 'checkpoint';
const STATE_JSON = 'checkpoint.json';
const WEIGHTS = 'weights.bin';
const OPTIMIZER = 'optimizer.bin';
const FORMAT = 'stride-checkpoint/1';
/** Far beyond any state Stride writes; a bigger file is not one of its checkpoints. */
const MAX_JSON_BYTES = 64 * 1024 * 1024;

export interface StoredCheckpoint {
  readonly fingerprint: Fingerprint;
  readonly state: TrainState;
  /** The training threads of the run that saved it (checkpoints from before `--threads` hold none: one). */
  readonly threads: number;
}

/** Replaces the checkpoint in `dir` as a whole: the previous one stays until the new one is complete on disk. */
export function writeCheckpointFiles(dir: string, c: StoredCheckpoint): void {
  const json = {
    format: FORMAT,
    fingerprint: c.fingerprint,
    threads: c.threads,
    loop: c.state.loop,
    weights: c.state.weights.specs,
    optimizer: c.state.optimizer.specs,
  };
  writeFolderAtomically(dir, { [STATE_JSON]: Buffer.from(JSON.stringify(json)), [WEIGHTS]: c.state.weights.data, [OPTIMIZER]: c.state.optimizer.data });
}

/** Whether `dir` (or the `.previous` copy an interrupted save left) holds a checkpoint. */
export function hasCheckpointFiles(dir: string): boolean {
  return checkpointFolder(dir) !== null;
}

/**
 * The checkpoint in `dir`, checked: null when there is none; a damaged or truncated one is an error naming the file
 * (nothing is changed on disk either way).
 */
export function readCheckpointFiles(dir: string): StoredCheckpoint | null {
  const use = checkpointFolder(dir);
  if (!use) return null;
  const file = (name: string) => path.join(use, name);
  try {
    if (fs.statSync(file(STATE_JSON)).size > MAX_JSON_BYTES) throw new Error(`${STATE_JSON} is too large to be a checkpoint`);
    const json = JSON.parse(fs.readFileSync(file(STATE_JSON), 'utf8')) as unknown;
    if (!isObject(json) || json.format !== FORMAT) throw new Error(`${STATE_JSON} is not a ${FORMAT} file`);
    const state: TrainState = {
      loop: checkLoopState(json.loop),
      weights: checkWeights({ specs: json.weights, data: readBytes(file(WEIGHTS)) }),
      optimizer: checkWeights({ specs: json.optimizer, data: readBytes(file(OPTIMIZER)) }),
    };
    return { fingerprint: checkFingerprint(json.fingerprint), state, threads: checkThreads(json.threads) };
  } catch (e) {
    throw new Error(`The checkpoint in '${use}' is damaged: ${e instanceof Error ? e.message : String(e)}. Train without resuming to start over.`);
  }
}

/** Removes the checkpoint (a fresh run must never be resumed into an older run's state). */
export function removeCheckpointFiles(dir: string): void {
  for (const d of [dir, `${dir}.previous`]) fs.rmSync(d, { recursive: true, force: true });
}

function checkpointFolder(dir: string): string | null {
  for (const d of [dir, `${dir}.previous`]) if (fs.existsSync(path.join(d, STATE_JSON))) return d;
  return null;
}

function readBytes(file: string): Uint8Array {
  const b = fs.readFileSync(file);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

function checkFingerprint(v: unknown): Fingerprint {
  if (!isObject(v) || typeof v.model !== 'string' || !isObject(v.settings)) throw new Error(`${STATE_JSON} has no valid fingerprint`);
  return { model: v.model, settings: v.settings };
}

function checkThreads(v: unknown): number {
  if (v === undefined) return 1;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new Error(`${STATE_JSON} has an invalid thread count`);
  return v;
}
