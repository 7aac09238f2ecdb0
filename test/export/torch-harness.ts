// Runs a Stride model in tfjs and its PyTorch export in real PyTorch with the same weights, passed the way users get
// them (the state_dict as a safetensors file, loaded strictly), and reports the difference and the shapes checked.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { analyze, type ModelAnalysis } from '../../core/analyze';
import { exportPyTorch, modulePath, pyName, toTorchShape } from '../../core/export/pytorch';
import { stateDict } from '../../core/export/pytorch-weights';
import { encodeSafetensors } from '../../core/export/safetensors';
import type { ModelWeights } from '../../core/export/weights';
import { modelWeights } from '../../train/export-weights';
import { buildModel, tfName } from '../../train/model-builder';
import { lowered } from '../helpers/training';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const RUNNER = path.join(ROOT, 'test', 'export', 'run_state_dict.py');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-export-torch-'));
export const hasTorch = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
export const NO_TORCH = !hasTorch && 'PyTorch (Debian python3-torch) is not installed';

export interface TorchCheck {
  /** With `logits`: the difference before the dropped softmax or sigmoid was applied (large when it was dropped). */
  readonly raw_diff?: number;
  /** Largest absolute difference between tfjs's output and PyTorch's. */
  readonly diff: number;
  /** Forward variables whose PyTorch shape was compared with Stride's inferred shape. */
  readonly checked: number;
  /** Tensors in the safetensors file, all loaded with strict=True. */
  readonly keys: number;
  readonly metadata: Record<string, string>;
}

export interface CheckOptions {
  readonly logits?: boolean;
  /**
   * Weights to use (e.g. trained ones); `initial`: the seeded initial kernels (which keep deep networks' activations
   * in range) with biases and normalisation vectors varied, so a misplaced one shows; else random values over both signs.
   */
  readonly weights?: ModelWeights | 'initial';
  /** Compare log-probabilities (with `logits`): differences keep the logits' scale, as a 1000-way softmax would not. */
  readonly log?: boolean;
  readonly batch?: number;
  /** Code and safetensors files already written (by the CLI) to check instead of exporting here. */
  readonly files?: { readonly code: string; readonly weights: string };
}

/** The model's only or first model, failing on errors. */
export function modelOf(source: string): ModelAnalysis {
  const analysis = analyze(source);
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((e) => e.message).join(' '));
  return analysis.models[0];
}

/** Random weights spanning both signs (variances positive), so every conversion shows in the output. */
function randomWeights(tfModel: tf.LayersModel): void {
  const weights = tfModel.weights.map((w, i) => {
    const shape = w.shape as number[];
    return /variance/.test(w.originalName) ? tf.randomUniform(shape, 0.5, 1.5, 'float32', 10 + i) : tf.randomUniform(shape, -0.5, 0.5, 'float32', 10 + i);
  });
  tfModel.setWeights(weights);
  tf.dispose(weights);
}

/** Biases, offsets and statistics (1-D weights) drawn near their usual values instead of their constant starts. */
function varyVectors(tfModel: tf.LayersModel): void {
  const weights = tfModel.weights.map((w, i) => {
    const shape = w.shape as number[];
    if (shape.length !== 1) return w.read().clone();
    const around = /variance|gamma/.test(w.originalName) ? 1 : 0;
    return tf.randomUniform(shape, around - 0.2, around + 0.2, 'float32', 20 + i);
  });
  tfModel.setWeights(weights);
  tf.dispose(weights);
}

/** Token ids for models that start with an embedding, else values in [−3, 3]. */
function inputFor(model: ModelAnalysis, batch: number): tf.Tensor {
  const id = model.graph.inputs[0];
  const shape = [batch, ...(model.layers[id].shape as number[])];
  const vocab = model.layers.filter((l) => l.node.kind === 'embedding' && l.node.inputs.includes(id)).map((l) => l.node.args.vocab as number);
  if (vocab.length === 0) return tf.randomUniform(shape, -3, 3, 'float32', 3);
  return tf.floor(tf.randomUniform(shape, 0, Math.min(...vocab), 'float32', 3));
}

/** Exports `model`, writes its code and safetensors weights, and runs the check in PyTorch; a string is a failure. */
export function checkInTorch(model: ModelAnalysis, options: CheckOptions = {}): TorchCheck | string {
  const tfModel = buildModel(lowered(model), { seed: 1 });
  if (options.weights === 'initial') varyVectors(tfModel);
  else if (options.weights) tfModel.setWeights(options.weights.map((w) => tf.tensor(w.data, [...w.shape])));
  else randomWeights(tfModel);
  const files = options.files ?? writeExport(model, modelWeights(tfModel), options.logits === true);
  if (typeof files === 'string') return files;
  const x = inputFor(model, options.batch ?? 2);
  const predicted = tfModel.predict(x);
  const ys = Array.isArray(predicted) ? predicted : [predicted];
  // Keyed as the exported code names each layer's result: its module path (a block instance's locals lie under it).
  const shapes = Object.fromEntries(model.layers.filter((l) => l.shape).map((l) => [modulePath(model, l.node.id), toTorchShape(l.shape!)]));
  const payload = {
    file: files.code,
    class: pyName(model.graph.name),
    weights: files.weights,
    x: Array.from(x.dataSync()),
    shape: x.shape,
    outputs: ys.map((y, i) => ({ values: Array.from(y.dataSync()), shape: y.shape, squash: options.logits ? finalSquash(model, i) : null })),
    log: options.log === true,
    shapes,
  };
  tf.dispose([x, ...ys]);
  tfModel.dispose();
  const run = spawnSync('/usr/bin/python3', [RUNNER], { input: JSON.stringify(payload), encoding: 'utf8', maxBuffer: 256 << 20 });
  if (run.status !== 0) return run.stderr;
  return JSON.parse(run.stdout) as TorchCheck | string;
}

/** The export's code and safetensors state_dict, written to a temporary folder; a string says what is unsupported. */
function writeExport(model: ModelAnalysis, weights: ModelWeights, logits: boolean): { code: string; weights: string } | string {
  const result = exportPyTorch(model, { logits });
  if (result.unsupported.length > 0) return `unsupported: ${result.unsupported.join(', ')}`;
  const stem = path.join(dir, `${pyName(model.graph.name)}_${Math.random().toString(36).slice(2)}`);
  fs.writeFileSync(`${stem}.py`, result.code);
  const tensors = stateDict(model, weights, (node) => tfName(node.name));
  fs.writeFileSync(`${stem}.safetensors`, encodeSafetensors(tensors, { format: 'pt', model: model.graph.name }));
  return { code: `${stem}.py`, weights: `${stem}.safetensors` };
}

/** The softmax or sigmoid the model ends in (as a layer or an activation), which PyTorch applies to logits. */
function finalSquash(model: ModelAnalysis, output: number): string | null {
  const node = model.layers[model.graph.outputs[output]].node;
  const fn = node.kind === 'activation' ? node.args.fn : (node.def?.activationFn ?? node.args.activation);
  return fn === 'softmax' || fn === 'sigmoid' ? fn : null;
}

/** The difference as one number, or the failure text (for assertion messages). */
export function diffOf(check: TorchCheck | string): number | string {
  return typeof check === 'string' ? check : check.diff;
}
