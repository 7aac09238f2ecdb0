// Convolutions with lazy gradients: one on the model's input trains without its (unused) input gradient — the same loss
// and gradients as tfjs's own fused path, one input-gradient kernel fewer — and prediction is untouched.

import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { analyze } from '../../core/analyze';
import { buildModel } from '../../train/model-builder';
import { selectBackend } from '../../train/node/backends/select';
import { lowered } from '../helpers/training';

// Both convolutions are linear (tfjs's fused path while training); only the second's input depends on weights.
const SOURCE = `model M {
  input(12, 12, 3)
  conv2d(4, 3, padding: same)
  batchnorm()
  relu()
  conv2d(5, 3, stride: 2)
  flatten()
  dense(3, activation: softmax)
}
`;

function build(): tf.LayersModel {
  return buildModel(lowered(analyze(SOURCE).models[0]), { seed: 7 });
}

/** The same model as tfjs runs it: every layer's own call (the instance override removed). */
function stock(model: tf.LayersModel): tf.LayersModel {
  for (const layer of model.layers) delete (layer as { call?: unknown }).call;
  return model;
}

/** The loss and every trainable weight's gradient, in the model's weight order. */
function lossAndGrads(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor): { loss: number; grads: Float32Array[] } {
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, vars);
  const out = vars.map((v) => grads[v.name].dataSync() as Float32Array);
  const loss = value.dataSync()[0];
  tf.dispose([value, ...Object.values(grads)]);
  return { loss, grads: out };
}

async function backwardKernels(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor): Promise<string[]> {
  const info = await tf.profile(() => {
    tf.dispose(Object.values(tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar).grads));
  });
  return info.kernels.filter((k) => k.name === 'Conv2DBackpropInput').map((k) => JSON.stringify(k.inputShapes));
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`a convolution on the input, ${backend} backend`, () => {
    after(() => tf.disposeVariables());

    test('trains with the loss and gradients of tfjs’s fused path, without the input gradient kernel; predicts the same', async () => {
      await selectBackend({ backend, warn: () => undefined });
      const x = tf.randomUniform([4, 12, 12, 3], 0, 1, 'float32', 11);
      const y = tf.oneHot(tf.tensor1d([0, 2, 1, 2], 'int32'), 3);
      const [ours, theirs] = [build(), stock(build())];
      const a = lossAndGrads(ours, x, y);
      const b = lossAndGrads(theirs, x, y);
      assert.ok(Math.abs(a.loss - b.loss) < 1e-6, `loss ${a.loss} vs ${b.loss}`);
      assert.equal(a.grads.length, 8, 'two convolutions, batch norm and dense: kernels and biases');
      a.grads.forEach((g, k) => {
        const worst = g.reduce((m, v, i) => Math.max(m, Math.abs(v - b.grads[k][i])), 0);
        assert.ok(worst < 1e-5, `${ours.trainableWeights[k].name}: gradients differ by ${worst}`);
      });
      // tfjs's path computes both convolutions' input gradients; ours only the second's (its input comes from weights).
      assert.equal((await backwardKernels(theirs, x, y)).length, 2);
      assert.deepEqual(await backwardKernels(ours, x, y), [
        JSON.stringify([
          [4, 5, 5, 5],
          [3, 3, 4, 5],
        ]),
      ]);
      const [p, q] = [ours.predict(x) as tf.Tensor, theirs.predict(x) as tf.Tensor];
      assert.deepEqual(p.dataSync(), q.dataSync(), 'prediction runs the layer as before');
      tf.dispose([x, y, p, q]);
    });
  });
}
