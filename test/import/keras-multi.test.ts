// tfjs and Keras models with several inputs and outputs: a stock tfjs-layers Functional model with an image and a
// vector input and two heads, saved by `model.save` and as a legacy Keras 2 `.h5`, imports with its inputs and
// `output(…)` in the model's order, and with its weights gives every output the source gives.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import type { Imported } from '../../import/imported';
import { importPath } from '../../import/index';
import { writeWeightsFolder } from '../../import/weights-out';
import { buildModel } from '../../train/model-builder';
import { loadWeightsInto } from '../../train/node/weights';
import { lowered } from '../helpers/training';
import { useCpu } from '../train/helpers';
import { CONV, k3, NO_H5PY, tensor, writeKeras3, writeLegacyH5 } from './keras-files';
import { checkClean, randomize, refused, saveTfjs, tmp } from './keras-harness';

/** Boxes from the image's features; scores from the pooled features plus the vector input. Boxes are computed first, listed last. */
function heads(metaFirst = false): tf.LayersModel {
  const image = tf.input({ shape: [10, 10, 3], name: 'image' });
  const meta = tf.input({ shape: [4], name: 'meta' });
  const features = tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', name: 'features' }).apply(image);
  const boxes = tf.layers.conv2d({ filters: 4, kernelSize: 1, name: 'boxes' }).apply(features) as tf.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling2d({ name: 'pooled' }).apply(features) as tf.SymbolicTensor;
  const extra = tf.layers.dense({ units: 8, name: 'extra' }).apply(meta) as tf.SymbolicTensor;
  const joined = tf.layers.add({ name: 'joined' }).apply([pooled, extra]) as tf.SymbolicTensor;
  const scores = tf.layers.dense({ units: 3, name: 'scores' }).apply(joined) as tf.SymbolicTensor;
  return tf.model({ inputs: metaFirst ? [meta, image] : [image, meta], outputs: [scores, boxes], name: 'heads' });
}

/** heads() as Keras 3 writes its config.json: `input_layers` and `output_layers` each list two layers. */
function headsKeras3(): object {
  const input = (name: string, shape: number[]) => ({
    module: 'keras.layers',
    class_name: 'InputLayer',
    config: { batch_shape: [null, ...shape], dtype: 'float32', sparse: false, name },
    registered_name: null,
    name,
    inbound_nodes: [],
  });
  const features = tensor('features', [10, 10, 8]);
  const layers = [
    input('image', [10, 10, 3]),
    input('meta', [4]),
    k3('Conv2D', 'features', { ...CONV, filters: 8, kernel_size: [3, 3], use_bias: true, activation: 'relu' }, [tensor('image', [10, 10, 3])], [10, 10, 3]),
    k3('Conv2D', 'boxes', { ...CONV, filters: 4, kernel_size: [1, 1], use_bias: true }, [features], [10, 10, 8]),
    k3('GlobalAveragePooling2D', 'pooled', { data_format: 'channels_last', keepdims: false }, [features], [10, 10, 8]),
    k3('Dense', 'extra', { units: 8, activation: 'linear', use_bias: true }, [tensor('meta', [4])], [4]),
    k3('Add', 'joined', {}, [[tensor('pooled', [8]), tensor('extra', [8])]], [8]),
    k3('Dense', 'scores', { units: 3, activation: 'linear', use_bias: true }, [tensor('joined', [8])], [8]),
  ];
  const io = {
    input_layers: [
      ['image', 0, 0],
      ['meta', 0, 0],
    ],
    output_layers: [
      ['scores', 0, 0],
      ['boxes', 0, 0],
    ],
  };
  const config = { name: 'heads', trainable: true, layers, ...io };
  return { module: 'keras.src.models.functional', class_name: 'Functional', config, registered_name: 'Functional', build_config: { input_shape: null } };
}

/** The largest difference, output by output, between the source and Stride's model with the imported weights. */
async function outputDiffs(imported: Imported & { model: string }, source: tf.LayersModel): Promise<number[]> {
  const analysed = checkClean(imported, source.countParams());
  const dir = path.join(tmp, `weights-${imported.model}-${Math.random().toString(36).slice(2)}`);
  await writeWeightsFolder(imported, imported.model, dir);
  const mine = buildModel(lowered(analysed), { seed: 7 });
  loadWeightsInto(mine, dir);
  const xs = source.inputs.map((i, k) => tf.randomUniform([2, ...(i.shape.slice(1) as number[])], -1, 1, 'float32', 11 + k));
  const [a, b] = [[source.predict(xs)].flat(), [mine.predict(xs)].flat()];
  assert.equal(b.length, a.length, 'number of outputs');
  const diffs = a.map((y, k) => {
    assert.deepEqual(b[k].shape, y.shape, `output ${k}: shape`);
    return tf.tidy(() => tf.max(tf.abs(tf.sub(y, b[k]))).dataSync()[0]);
  });
  tf.dispose([...xs, ...a, ...b]);
  mine.dispose();
  return diffs;
}

function checkText(text: string, metaFirst = false): void {
  // The inputs in the model's order, the outputs declared in its order, each under its layer's name.
  const inputs = ['  image = input(10, 10, 3)', '  meta = input(4)'];
  assert.ok(text.includes(`${(metaFirst ? inputs.reverse() : inputs).join('\n')}\n`), text);
  assert.match(text, /^ {2}output\(scores, boxes\)$/m);
}

describe('tfjs and Keras models with several inputs and outputs', () => {
  before(useCpu);

  for (const metaFirst of [false, true])
    test(`a stock tfjs-layers model.json, ${metaFirst ? 'the vector' : 'the image'} input first: every output the same`, async () => {
      const source = heads(metaFirst);
      randomize(source, 23);
      const imported = importPath(await saveTfjs(source, path.join(tmp, `heads-${metaFirst}`)));
      checkText(imported.text, metaFirst);
      for (const diff of await outputDiffs(imported, source)) assert.ok(diff <= 1e-5, `max abs diff ${diff}`);
    });

  test('a legacy Keras 2 .h5 of the same model: every output the same', { skip: NO_H5PY }, async () => {
    const source = heads();
    randomize(source, 29);
    const imported = importPath(writeLegacyH5(source, 'heads.h5'));
    checkText(imported.text);
    for (const diff of await outputDiffs(imported, source)) assert.ok(diff <= 1e-5, `max abs diff ${diff}`);
  });

  test('a Keras 3 .keras of the same model: every output the same', { skip: NO_H5PY }, async () => {
    const source = heads();
    randomize(source, 31);
    const imported = importPath(writeKeras3(source, headsKeras3(), 'heads.keras'));
    checkText(imported.text);
    for (const diff of await outputDiffs(imported, source)) assert.ok(diff <= 1e-5, `max abs diff ${diff}`);
  });

  test('an input that reaches no output and an output listed twice are refused', async () => {
    const file = await saveTfjs(heads(), path.join(tmp, 'heads-damaged'));
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    const config = json.modelTopology.config;
    config.output_layers = [config.output_layers[1]];
    fs.writeFileSync(file, JSON.stringify(json));
    refused(file, /: the input layer 'meta' leads to no output$/);
    config.output_layers = [config.output_layers[0], config.output_layers[0]];
    fs.writeFileSync(file, JSON.stringify(json));
    refused(file, /: the layer 'boxes' is listed twice among the outputs; Stride declares each output once$/);
  });
});
