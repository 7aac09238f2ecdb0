// Shared checks for the tfjs and Keras importers: the imported text checks clean with the source's totals, and its
// weights, written as a Stride weights folder and loaded into Stride's own model, give the source model's outputs.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { analyze } from '../../core/analyze';
import type { Imported } from '../../import/imported';
import { ImportError, importPath } from '../../import/index';
import { writeWeightsFolder } from '../../import/weights-out';
import { buildModel } from '../../train/model-builder';
import { loadWeightsInto } from '../../train/node/weights';
import { lowered } from '../helpers/training';

export const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-keras-'));

/** A Sequential CNN with most of the layer classes the importer reads. */
export function sequential(): tf.LayersModel {
  const m = tf.sequential({ name: 'sequential' });
  m.add(tf.layers.conv2d({ inputShape: [16, 16, 3], filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' }));
  m.add(tf.layers.batchNormalization({ epsilon: 1e-5 }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same' }));
  m.add(tf.layers.separableConv2d({ filters: 12, kernelSize: 3, strides: 2, useBias: false }));
  m.add(tf.layers.reLU({ maxValue: 6 }));
  m.add(
    tf.layers.zeroPadding2d({
      padding: [
        [1, 0],
        [0, 1],
      ],
    }),
  );
  m.add(tf.layers.averagePooling2d({ poolSize: 2, strides: 1 }));
  m.add(tf.layers.globalAveragePooling2d({}));
  m.add(tf.layers.dropout({ rate: 0.2 }));
  m.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  return m;
}

/** A Functional model with a residual add and a channel concat. */
export function residual(): tf.LayersModel {
  const x = tf.input({ shape: [12, 12, 3], name: 'image' });
  const stem = tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', name: 'stem' }).apply(x) as tf.SymbolicTensor;
  let y = tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', useBias: false, name: 'conv_a' }).apply(stem) as tf.SymbolicTensor;
  y = tf.layers.batchNormalization({ name: 'bn_a' }).apply(y) as tf.SymbolicTensor;
  y = tf.layers.activation({ activation: 'relu', name: 'relu_a' }).apply(y) as tf.SymbolicTensor;
  y = tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', name: 'conv_b' }).apply(y) as tf.SymbolicTensor;
  const sum = tf.layers.add({ name: 'residual' }).apply([stem, y]) as tf.SymbolicTensor;
  const joined = tf.layers.concatenate({ name: 'joined' }).apply([sum, stem]) as tf.SymbolicTensor;
  const flat = tf.layers.flatten({ name: 'flat' }).apply(joined) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 5, name: 'logits' }).apply(flat) as tf.SymbolicTensor;
  return tf.model({ inputs: x, outputs: out, name: 'residual_net' });
}

/** The model's manifest weights, written as tfjs does: model.json plus `shards` binary files split mid-tensor. */
export async function saveTfjs(model: tf.LayersModel, dir: string, shards = 2): Promise<string> {
  fs.mkdirSync(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      const bytes = new Uint8Array(tf.io.CompositeArrayBuffer.join(a.weightData!));
      const size = Math.ceil(bytes.length / shards);
      const paths = Array.from({ length: shards }, (_v, i) => `group1-shard${i + 1}of${shards}.bin`);
      paths.forEach((p, i) => fs.writeFileSync(path.join(dir, p), bytes.subarray(i * size, (i + 1) * size)));
      const json = { format: 'layers-model', modelTopology: a.modelTopology, weightsManifest: [{ paths, weights: a.weightSpecs }] };
      fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return path.join(dir, 'model.json');
}

/** Random weights spanning both signs (variances positive), so every layout mistake shows in the outputs. */
export function randomize(model: tf.LayersModel, seed = 3): void {
  const weights = model.weights.map((w, i) => {
    const shape = w.shape as number[];
    return /variance/.test(w.originalName) ? tf.randomUniform(shape, 0.5, 1.5, 'float32', seed + i) : tf.randomUniform(shape, -0.5, 0.5, 'float32', seed + i);
  });
  model.setWeights(weights);
  tf.dispose(weights);
}

/** Checks the imported text and returns its analysed model. */
export function checkClean(imported: Imported, params: number) {
  const analysis = analyze(imported.text);
  assert.deepEqual(
    analysis.diagnostics.map((d) => d.message),
    [],
    imported.text,
  );
  assert.equal(analysis.models.length, 1);
  assert.equal(analysis.models[0].totals.params, params, imported.text);
  return analysis.models[0];
}

/** The largest difference between the source model's output and Stride's model with the imported weights. */
export async function outputDiff(imported: Imported & { model: string }, source: tf.LayersModel, params: number, input?: tf.Tensor): Promise<number> {
  const analysed = checkClean(imported, params);
  const dir = path.join(tmp, `weights-${imported.model}-${Math.random().toString(36).slice(2)}`);
  await writeWeightsFolder(imported, imported.model, dir);
  const mine = buildModel(lowered(analysed), { seed: 7 });
  loadWeightsInto(mine, dir);
  const shape = [2, ...(source.inputs[0].shape.slice(1) as number[])];
  const x = input ?? tf.randomUniform(shape, -1, 1, 'float32', 11);
  const [a, b] = [source.predict(x) as tf.Tensor, mine.predict(x) as tf.Tensor];
  assert.deepEqual(a.shape, b.shape);
  const diff = (await tf.max(tf.abs(tf.sub(a, b))).data())[0];
  tf.dispose([x, a, b]);
  mine.dispose();
  return diff;
}

/** Runs the import, which must fail with one ImportError matching `message`, in under two seconds. */
export function refused(file: string, message: RegExp): void {
  const start = Date.now();
  assert.throws(
    () => importPath(file),
    (e: unknown) => e instanceof ImportError && message.test(e.message),
  );
  assert.ok(Date.now() - start < 2000, 'refusal took over 2 s');
}
