// The inference benchmark's nets: an example file analysed, its classifier's softmax dropped (logits compare
// tightly; 1,000 probabilities of ~0.001 would hide errors), built with seeded weights, saved, and exported to ONNX.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { analyze, type ModelAnalysis } from '../../core/analyze';
import { exportOnnx } from '../../export/onnx/export';
import { trainingModel } from '../../ide/training-model';
import type { TrainingModel } from '../../protocol/training-model';
import { modelWeights } from '../../train/export-weights';
import { buildModel } from '../../train/model-builder';
import { saveModel } from '../../train/node/weights';

export interface InferModel {
  readonly name: string;
  /** The example file, relative to the repository root. */
  readonly file: string;
}

export const INFER_MODELS: readonly InferModel[] = [
  { name: 'ResNet-18', file: 'examples/resnet18.stride' },
  { name: 'MobileNetV2', file: 'examples/mobilenetv2.stride' },
];

export const REPO = path.resolve(__dirname, '..', '..', '..');

const SQUASH = new Set(['softmax', 'sigmoid']);

/** The analysed model of an example file, which must have no errors. */
export function analysedExample(file: string): { model: ModelAnalysis; text: string } {
  const analysis = analyze(fs.readFileSync(path.join(REPO, file), 'utf8'));
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`${file}: ${errors[0].message}`);
  return { model: analysis.models[0], text: analysis.text };
}

/** The training model as the host lowers it, with each output's final softmax/sigmoid made linear. */
export function logitModel(model: ModelAnalysis): TrainingModel {
  const result = trainingModel(model);
  if (!result.ok) throw new Error(result.error);
  const training = result.value;
  const nodes = training.nodes.map((n) => {
    if (!training.outputs.includes(n.id)) return n;
    if (SQUASH.has(n.kind) || (n.kind === 'activation' && SQUASH.has(String(n.args.fn)))) return { ...n, kind: 'activation', args: { fn: 'linear' } };
    return SQUASH.has(String(n.args.activation)) ? { ...n, args: { ...n.args, activation: 'linear' } } : n;
  });
  return { ...training, nodes };
}

export interface Prepared {
  /** Saved weights folder (model.json + weights.bin), as `stride train` writes it. */
  readonly weightsDir: string;
  readonly onnxFile: string;
  /** One 224×224×3 sample, float32, channels-last. */
  readonly inputFile: string;
  readonly inputShape: number[];
}

/** A seeded input in [0, 1), the range predict feeds images in. */
function seededInput(size: number): Float32Array {
  const data = new Float32Array(size);
  let s = 12345;
  for (let i = 0; i < size; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    data[i] = (s >>> 8) / 16777216;
  }
  return data;
}

/**
 * Builds the model with seed 1 and a few batch-norm statistics moved off their neutral values (so folding them
 * is checked too), saves the weights and exports exactly those weights to ONNX.
 */
export async function prepare(spec: InferModel, dir: string): Promise<Prepared> {
  const { model, text } = analysedExample(spec.file);
  const tfModel = buildModel(logitModel(model), { seed: 1 });
  try {
    tfModel.weights.forEach((w, i) => {
      if (!/moving_mean|moving_variance|beta|gamma/.test(w.originalName)) return;
      const [lo, hi] = /variance|gamma/.test(w.originalName) ? [0.5, 1.5] : [-0.2, 0.2];
      const value = tf.randomUniform(w.shape as number[], lo, hi, 'float32', 100 + i);
      w.write(value);
      value.dispose();
    });
    const base = path.join(dir, spec.name);
    const inputShape = [1, ...(model.layers[model.graph.inputs[0]].shape as number[])];
    const weightsDir = `${base}.weights`;
    await saveModel(tfModel, weightsDir, { model: model.graph.name, inputShape: inputShape.slice(1), classes: [], dataset: 'none', epochs: 0, seed: 1 });
    const onnxFile = `${base}.onnx`;
    fs.writeFileSync(onnxFile, exportOnnx(model, modelWeights(tfModel), text, { logits: true }));
    const inputFile = `${base}.input.bin`;
    const input = seededInput(inputShape.reduce((a, b) => a * b, 1));
    fs.writeFileSync(inputFile, Buffer.from(input.buffer));
    return { weightsDir, onnxFile, inputFile, inputShape };
  } finally {
    tfModel.dispose();
  }
}
