// What the import tests that compare outputs share: the CLI, PyTorch exports made in one process, onnxruntime and
// Stride's tfjs model with an imported weights folder, and the largest difference between two outputs.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type * as Ort from 'onnxruntime-node';
import { analyze } from '../../core/analyze';
import { buildModel } from '../../train/model-builder';
import { loadWeightsInto } from '../../train/node/weights';
import { lowered } from '../helpers/training';

const ort: typeof Ort = require('onnxruntime-node');
const BIN = path.join(path.resolve(__dirname, '..', '..', '..'), 'bin', 'stride.js');

/** Runs the `stride` CLI. */
export function stride(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * A function giving the ONNX file of each case; the first call runs `script` once with every case's
 * `net,file,mode,size` as arguments (one process: importing torch costs seconds).
 */
export function torchExports(script: string, cases: readonly (readonly [string, string, number])[], fileOf: (net: string, mode: string) => string) {
  let exported = false;
  return (net: string, mode: string): string => {
    if (!exported) {
      const jobs = cases.map(([n, m, size]) => `${n},${fileOf(n, m)},${m},${size}`);
      const r = spawnSync('/usr/bin/python3', ['-c', script, ...jobs], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      exported = true;
    }
    return fileOf(net, mode);
  };
}

/** Runs `file` in onnxruntime on `x` (NHWC), given NCHW when the file takes it so. */
export async function runOrt(file: string, x: tf.Tensor4D, nchw: boolean): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(file);
  const feed = nchw ? tf.transpose(x, [0, 3, 1, 2]) : x;
  const result = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', feed.dataSync() as Float32Array, feed.shape) });
  if (feed !== x) feed.dispose();
  return result[session.outputNames[0]].data as Float32Array;
}

/** Stride's tfjs model for `text`, with the weights folder loaded by predict's loader, run on `x`. */
export function runStride(text: string, dir: string, x: tf.Tensor4D): Float32Array {
  const model = buildModel(lowered(analyze(text).models[0]));
  try {
    loadWeightsInto(model, dir);
    return tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync() as Float32Array);
  } finally {
    model.dispose();
  }
}

/** The largest |a − b|, and the largest |b| (the scale it is relative to). */
export function maxDiff(a: Float32Array, b: Float32Array): { diff: number; scale: number } {
  assert.equal(a.length, b.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return { diff, scale };
}

/** Every output of `file` in onnxruntime on `x` (NHWC, given NCHW when the file takes it so), in the file's order; a channels-first image output moved channels-last, as Stride holds it. */
export async function runOrtOutputs(file: string, x: tf.Tensor4D, nchw: boolean): Promise<Float32Array[]> {
  const session = await ort.InferenceSession.create(file);
  const feed = nchw ? tf.transpose(x, [0, 3, 1, 2]) : x;
  const result = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', feed.dataSync() as Float32Array, feed.shape) });
  if (feed !== x) feed.dispose();
  return session.outputNames.map((name) => {
    const { data, dims } = result[name];
    if (!nchw || dims.length !== 4) return data as Float32Array;
    return tf.tidy(() => tf.transpose(tf.tensor(data as Float32Array, dims.map(Number)), [0, 2, 3, 1]).dataSync() as Float32Array);
  });
}

/** Every output of Stride's tfjs model for `text` (the weights folder loaded by predict's loader) on `x`, in the model's `output(…)` order. */
export function runStrideOutputs(text: string, dir: string, x: tf.Tensor4D): Float32Array[] {
  const model = buildModel(lowered(analyze(text).models[0]));
  try {
    loadWeightsInto(model, dir);
    return tf.tidy(() => [model.predict(x)].flat().map((y) => y.dataSync() as Float32Array));
  } finally {
    model.dispose();
  }
}
