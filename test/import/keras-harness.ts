// Shared checks for the tfjs and Keras importers: the imported text checks clean with the source's totals, and its
// weights, written as a Stride weights folder and loaded into Stride's own model, give the source model's outputs.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { analyze } from '../../core/analyze';
import type { Imported } from '../../import/imported';
import { writeWeightsFolder } from '../../import/weights-out';
import { buildModel } from '../../train/model-builder';
import { loadWeightsInto } from '../../train/node/weights';
import { lowered } from '../helpers/training';

export const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-keras-'));

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
export async function outputDiff(imported: Imported & { model: string }, source: tf.LayersModel, params: number): Promise<number> {
  const analysed = checkClean(imported, params);
  const dir = path.join(tmp, `weights-${imported.model}-${Math.random().toString(36).slice(2)}`);
  await writeWeightsFolder(imported, imported.model, dir);
  const mine = buildModel(lowered(analysed), { seed: 7 });
  loadWeightsInto(mine, dir);
  const shape = [2, ...(source.inputs[0].shape.slice(1) as number[])];
  const x = tf.randomUniform(shape, -1, 1, 'float32', 11);
  const [a, b] = [source.predict(x) as tf.Tensor, mine.predict(x) as tf.Tensor];
  assert.deepEqual(a.shape, b.shape);
  const diff = (await tf.max(tf.abs(tf.sub(a, b))).data())[0];
  tf.dispose([x, a, b]);
  mine.dispose();
  return diff;
}
