// The weights a train section's `init:` names, read by the extension host for the training page (which reads no files).

import * as path from 'node:path';
import type { WeightsPayload } from '../../protocol/training-payloads';
import { findSavedWeights } from '../../train/node/saved-files';
import { readSavedWeights } from './storage';

/**
 * `init:` resolved against the model file's folder — a weights folder or a run folder, as `stride train` and background
 * runs read it (train/node/run.ts) — as a payload the page checks against its model; a clear error when none is there.
 */
export function readInitWeights(modelFile: string, init: string): { path: string; weights: WeightsPayload } {
  const dir = path.resolve(path.dirname(modelFile), init);
  const found = findSavedWeights(dir)?.dir ?? dir;
  const weights = readSavedWeights(found);
  if (!weights) throw new Error(`init: "${init}" (${dir}): no saved weights there (model.json and weights.bin, or a run folder with weights/).`);
  return { path: found, weights };
}
