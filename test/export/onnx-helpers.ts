// Shared by the ONNX export tests: export a model with given weights, run the file in onnxruntime and the tfjs model
// on the same input, and check files with the python `onnx` checker.

import { execFile, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type * as Ort from 'onnxruntime-node';
import { analyze } from '../../core/analyze';
import type { ModelAnalysis } from '../../core/analyze';
import type { ModelWeights } from '../../core/export/weights';
import { exportOnnx } from '../../export/onnx/export';
import { modelWeights } from '../../train/export-weights';
import { buildModel } from '../../train/model-builder';
import type { TrainingModel } from '../../protocol/training-model';
import { lowered } from '../helpers/training';

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const ort: typeof Ort = require('onnxruntime-node');

export const hasOnnxChecker = spawnSync('/usr/bin/python3', ['-c', 'import onnx'], { encoding: 'utf8' }).status === 0;

export const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-onnx-'));

/** The one model of a source, which must analyse without errors. */
export function modelOf(source: string): { model: ModelAnalysis; text: string } {
  const analysis = analyze(source);
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((e) => e.message).join('; '));
  return { model: analysis.models[0], text: analysis.text };
}

/**
 * Seeded weights that make every part matter: `full` draws every weight at random (small models); otherwise the
 * seeded initial weights are kept and only biases and normalisation statistics are moved off their neutral values.
 */
export function perturb(model: tf.LayersModel, full: boolean): void {
  model.weights.forEach((w, i) => {
    const shape = w.shape as number[];
    const name = w.originalName;
    const seed = 10 + i;
    let value: tf.Tensor | undefined;
    if (/variance/.test(name)) value = tf.randomUniform(shape, 0.5, 1.5, 'float32', seed);
    else if (/gamma/.test(name)) value = tf.randomUniform(shape, 0.8, 1.2, 'float32', seed);
    else if (full || /bias|beta|moving_mean|embeddings/.test(name)) value = tf.randomUniform(shape, -0.5, 0.5, 'float32', seed);
    // Written in place, only where changed: the large examples hold hundreds of megabytes of kernels.
    if (!value) return;
    w.write(value);
    value.dispose();
  });
}

/** Inputs that feed an embedding get token ids below its vocabulary; the rest uniform in [-2, 2]. */
function inputFor(model: ModelAnalysis, id: number, batch: number, seed: number): tf.Tensor {
  const shape = [batch, ...(model.layers[id].shape as number[])];
  const lookup = model.graph.nodes.find((n) => n.kind === 'embedding' && n.inputs.includes(id));
  if (lookup) return tf.floor(tf.randomUniform(shape, 0, Number(lookup.args.vocab), 'float32', seed));
  return tf.randomUniform(shape, -2, 2, 'float32', seed);
}

export interface Comparison {
  /** Largest |onnx − tfjs| over every output, and the largest |tfjs| (the scale it is relative to). */
  readonly diff: number;
  readonly scale: number;
}

/** Runs the same seeded input through the tfjs model and the ONNX session, for each batch size; returns the worst case. */
export async function compare(model: ModelAnalysis, tfModel: tf.LayersModel, session: Ort.InferenceSession, batches: readonly number[]): Promise<Comparison> {
  let diff = 0;
  let scale = 0;
  for (const batch of batches) {
    const xs = model.graph.inputs.map((id, i) => inputFor(model, id, batch, 3 + i));
    const feeds: Record<string, Ort.Tensor> = {};
    model.graph.inputs.forEach((id, i) => {
      feeds[model.graph.nodes[id].name] = new ort.Tensor('float32', xs[i].dataSync() as Float32Array, xs[i].shape);
    });
    const predicted = tfModel.predict(xs.length === 1 ? xs[0] : xs);
    const ys = Array.isArray(predicted) ? predicted : [predicted];
    const results = await session.run(feeds);
    model.graph.outputs.forEach((id, i) => {
      const got = results[model.graph.nodes[id].name];
      const want = ys[i].dataSync();
      if (got.dims.join() !== ys[i].shape.join()) throw new Error(`output ${model.graph.nodes[id].name}: shape ${got.dims} ≠ ${ys[i].shape}`);
      const data = got.data as Float32Array;
      for (let j = 0; j < want.length; j++) {
        diff = Math.max(diff, Math.abs(data[j] - want[j]));
        scale = Math.max(scale, Math.abs(want[j]));
      }
    });
    tf.dispose([...xs, ...ys]);
  }
  return { diff, scale };
}

export interface Exported {
  readonly bytes: Uint8Array;
  readonly weights: ModelWeights;
  readonly tfModel: tf.LayersModel;
}

const SQUASH = new Set(['softmax', 'sigmoid']);

/** The training model with each output's final softmax/sigmoid made linear, as `--logits` exports it. */
function withoutSquash(model: ModelAnalysis): TrainingModel {
  const training = lowered(model);
  const nodes = training.nodes.map((n) => {
    if (!training.outputs.includes(n.id)) return n;
    if (SQUASH.has(n.kind) || (n.kind === 'activation' && SQUASH.has(String(n.args.fn)))) return { ...n, kind: 'activation', args: { fn: 'linear' } };
    return SQUASH.has(String(n.args.activation)) ? { ...n, args: { ...n.args, activation: 'linear' } } : n;
  });
  return { ...training, nodes };
}

/**
 * Builds the tfjs model (seed 1), sets test weights, exports it with exactly those weights. With `logits`, both
 * sides drop a final softmax/sigmoid: a classifier's probabilities would hide errors in the logits (1000 classes).
 */
export function exportWithWeights(model: ModelAnalysis, text: string, full: boolean, logits = false): Exported {
  const tfModel = buildModel(logits ? withoutSquash(model) : lowered(model), { seed: 1 });
  perturb(tfModel, full);
  const weights = modelWeights(tfModel);
  return { bytes: exportOnnx(model, weights, text, { logits }), weights, tfModel };
}

/** The number of parameters a file holds: the sizes of its initializers, read back from the encoded file. */
export function initializerCount(bytes: Uint8Array): number {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { onnx } = require('onnx-proto') as typeof import('onnx-proto');
  const decoded = onnx.ModelProto.decode(bytes);
  return (decoded.graph?.initializer ?? []).reduce((n, t) => n + (t.dims ?? []).reduce((a: number, d) => a * Number(d), 1), 0);
}

export interface Checked {
  /** `file: message` for each file the checker rejects. */
  readonly failures: string[];
  /** Each file's parameter count: its initializers' sizes, as python's onnx reads the file. */
  readonly params: number[];
}

// The checker reads each file from its path (no copy through python's protobuf), then counts the initializers.
const CHECKER = [
  'import sys, json, numpy, onnx',
  'out = []',
  'for f in sys.argv[1:]:',
  '    n = sum(int(numpy.prod(t.dims)) for t in onnx.load(f).graph.initializer)',
  '    try:',
  '        onnx.checker.check_model(f, full_check=True)',
  '        out.append({"params": n})',
  '    except Exception as e:',
  '        out.append({"params": n, "error": f + ": " + str(e).splitlines()[0]})',
  'print(json.dumps(out))',
].join('\n');

function checked(status: number | null, stdout: string, stderr: string): Checked {
  if (status !== 0) return { failures: [stderr], params: [] };
  const results = JSON.parse(stdout) as { params: number; error?: string }[];
  return { failures: results.flatMap((r) => (r.error ? [r.error] : [])), params: results.map((r) => r.params) };
}

/** Runs onnx.checker.check_model(full_check=True) on each file, in one python process. */
export function checkFiles(files: readonly string[]): Checked {
  const run = spawnSync('/usr/bin/python3', ['-c', CHECKER, ...files], { encoding: 'utf8', maxBuffer: 16 << 20 });
  return checked(run.status, run.stdout, run.stderr);
}

/** The same in the background, so python checks one file while the next model is exported and run. */
export function checkFilesLater(files: readonly string[]): Promise<Checked> {
  return new Promise((resolve) => {
    execFile('/usr/bin/python3', ['-c', CHECKER, ...files], { encoding: 'utf8', maxBuffer: 16 << 20 }, (error, stdout, stderr) =>
      resolve(checked(error ? 1 : 0, stdout, stderr)),
    );
  });
}

/** Writes bytes under the test folder and returns the path. */
export function saved(name: string, bytes: Uint8Array): string {
  const file = path.join(tmp, `${name}.onnx`);
  fs.writeFileSync(file, bytes);
  return file;
}
