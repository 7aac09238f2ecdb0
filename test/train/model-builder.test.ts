// The tfjs model builder: output shapes and parameter counts equal the core's for examples and a table of one-layer models.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { analyze, type ModelAnalysis } from '../../core/analyze';
import { defaultRegistry } from '../../core/model/layers';
import { LayerRegistry } from '../../core/model/registry';
import { BuildError, buildModel, supportedKinds } from '../../train/model-builder';
import { EXAMPLES, strideFiles } from '../helpers/fixtures';
import { useCpu } from './helpers';
import { lowered } from '../helpers/training';

const size = (w: tf.LayerVariable) => w.shape.reduce((a: number, b) => a * (b ?? 1), 1);

/** Layers on a path to an output: the only ones a tfjs model holds. */
function liveCounts(m: ModelAnalysis): { trainable: number; nonTrainable: number } {
  const live = new Set<number>();
  const stack = [...m.graph.outputs];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (!live.has(id)) stack.push(...m.graph.nodes[id].inputs);
    live.add(id);
  }
  const layers = m.layers.filter((l) => live.has(l.node.id));
  return { trainable: layers.reduce((s, l) => s + l.params.trainable, 0), nonTrainable: layers.reduce((s, l) => s + l.params.nonTrainable, 0) };
}

/** Builds `m` and checks tfjs's outputs and weight split against the analysis. */
function checkAgainstCore(m: ModelAnalysis): void {
  const model = buildModel(lowered(m), { seed: 3 });
  try {
    const want = liveCounts(m);
    assert.equal(
      model.trainableWeights.reduce((s, w) => s + size(w), 0),
      want.trainable,
      'trainable',
    );
    assert.equal(
      model.nonTrainableWeights.reduce((s, w) => s + size(w), 0),
      want.nonTrainable,
      'non-trainable',
    );
    assert.equal(model.countParams(), want.trainable + want.nonTrainable);
    const outShapes = model.outputs.map((o) => o.shape.slice(1));
    assert.deepEqual(
      outShapes,
      m.graph.outputs.map((id) => m.layers[id].shape),
    );
  } finally {
    model.dispose();
  }
}

/** Runs a batch of two through the model: the computed shapes must also be the core's (not only the declared ones). */
function checkForward(m: ModelAnalysis): void {
  const inputs = m.graph.inputs.map((id) => m.layers[id].shape as number[]);
  const model = buildModel(lowered(m), { seed: 3 });
  try {
    const shapes = tf.tidy(() => {
      const out = model.predict(inputs.map((s) => tf.randomUniform([2, ...s], 0, 1, 'float32', 1)));
      return (Array.isArray(out) ? out : [out]).map((t) => t.shape.slice(1));
    });
    assert.deepEqual(
      shapes,
      m.graph.outputs.map((id) => m.layers[id].shape),
    );
  } finally {
    model.dispose();
  }
}

function single(text: string): ModelAnalysis {
  const a = analyze(text);
  const errors = a.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errors, [], `source has errors:\n${text}`);
  return a.models[0];
}

/** One statement per case, on the given input; every kind the builder supports appears at least once. */
const CASES: [string, string][] = [
  ['8, 8, 3', 'conv2d(4, 3)'],
  ['9, 7, 3', 'conv2d(5, (3, 2), stride: (2, 1), padding: same, bias: false, activation: relu)'],
  ['9, 9, 2', 'conv2d(4, 3, dilation: 2, padding: same, l2: 0.01)'],
  ['8, 8, 4', 'conv2d(6, 3, groups: 2, padding: same)'],
  ['8, 8, 4', 'conv2d(8, 3, groups: 4, stride: 2, bias: false, activation: swish)'],
  ['8, 8, 3', 'depthwise_conv2d(3, depth_multiplier: 2, stride: 2, padding: same)'],
  ['8, 8, 3', 'depthwise_conv2d((3, 1), bias: false, l1: 0.001)'],
  ['8, 8, 3', 'separable_conv2d(6, 3, depth_multiplier: 2, padding: same)'],
  ['8, 8, 3', 'separable_conv2d(4, 3, dilation: 2, bias: false)'],
  ['5, 6, 3', 'conv2d_transpose(4, 3, stride: 2, padding: same)'],
  ['5, 6, 3', 'conv2d_transpose(2, (3, 2), stride: (2, 3), bias: false)'],
  ['9, 9, 3', 'maxpool2d(2)'],
  ['9, 9, 3', 'maxpool2d(3, stride: 2, padding: same)'],
  ['9, 8, 3', 'avgpool2d((2, 3), stride: 1)'],
  ['6, 6, 3', 'globalavgpool2d()'],
  ['6, 6, 3', 'globalmaxpool2d(keepdims: true)'],
  ['6, 6, 3', 'globalavgpool2d(keepdims: true)'],
  ['6, 6, 3', 'batchnorm()'],
  ['6, 6, 3', 'batchnorm(momentum: 0.9, epsilon: 0.00001, center: false)'],
  ['12', 'batchnorm(scale: false)'],
  ['4, 6', 'batchnorm(axis: 1)'],
  ['12', 'dropout(0.5)'],
  ['4, 5, 3', 'flatten()'],
  ['4, 6, 2', 'reshape(-1, 4)'],
  ['4, 6, 2', 'reshape(6, 8)'],
  ['12', 'dense(5)'],
  ['4, 12', 'dense(3, bias: false, activation: softmax, l1: 0.01, l2: 0.01)'],
  ['7', 'activation(gelu)'],
  ['7', 'activation(hard_sigmoid)'],
  ['7', 'activation(mish)'],
  ['7', 'relu()'],
  ['7', 'relu6()'],
  ['7', 'leaky_relu(alpha: 0.1)'],
  ['7', 'elu(alpha: 0.5)'],
  ['7', 'elu()'],
  ['4, 7', 'softmax(axis: 1)'],
  ['7', 'sigmoid()'],
  ['7', 'hard_sigmoid()'],
  ['7', 'tanh()'],
  ['7', 'softplus()'],
  ['7', 'selu()'],
  ['7', 'gelu()'],
  ['7', 'swish()'],
  ['5, 6, 3', 'zeropad2d(2)'],
  ['5, 6, 3', 'zeropad2d(0, 1, 2, 3)'],
  ['5, 6, 3', 'upsample2d((2, 3), interpolation: bilinear)'],
  ['5, 6, 3', 'b = conv2d(3, 1)\n  add(b)'],
  ['5, 6, 3', 'b = conv2d(4, 1)\n  concat(b, axis: -1)'],
  ['10, 4', 'conv1d(6, 3)'],
  ['10, 4', 'conv1d(6, 3, padding: causal, dilation: 2, activation: relu)'],
  ['10, 4', 'conv1d(6, 3, groups: 2, stride: 2, padding: same)'],
  ['10, 4', 'conv1d(4, 3, groups: 4, padding: causal)'],
  ['6, 6, 6, 2', 'conv3d(4, 3, padding: same)'],
  ['6, 6, 6, 2', 'conv3d(4, (3, 2, 1), groups: 2, stride: 2, bias: false)'],
  ['10, 4', 'depthwise_conv1d(3, depth_multiplier: 2, stride: 2)'],
  ['10, 4', 'depthwise_conv1d(3, padding: causal)'],
  ['10, 4', 'separable_conv1d(5, 3, padding: same)'],
  ['7, 3', 'conv1d_transpose(4, 3, stride: 2)'],
  ['7, 3', 'conv1d_transpose(4, 3, stride: 2, padding: same, bias: false)'],
  ['4, 5, 6, 2', 'conv3d_transpose(3, 2, stride: 2)'],
  ['11, 3', 'maxpool1d(3)'],
  ['11, 3', 'avgpool1d(2, stride: 1, padding: same)'],
  ['11, 3', 'maxpool1d(2, ceil_mode: true)'],
  ['6, 7, 8, 2', 'maxpool3d(2)'],
  ['6, 7, 8, 2', 'avgpool3d((2, 3, 2), stride: 1)'],
  ['9, 9, 3', 'maxpool2d(2, ceil_mode: true)'],
  ['9, 8, 3', 'avgpool2d(3, stride: 2, ceil_mode: true)'],
  ['7, 7, 2, 3', 'avgpool3d(2, ceil_mode: true)'],
  ['11, 3', 'lppool1d(p: 2, pool: 3)'],
  ['9, 9, 3', 'lppool2d(p: 3, pool: 2, ceil_mode: true)'],
  ['6, 6, 6, 2', 'lppool3d(pool: 2)'],
  ['11, 3', 'globalavgpool1d()'],
  ['11, 3', 'globalmaxpool1d(keepdims: true)'],
  ['4, 5, 6, 3', 'globalavgpool3d()'],
  ['4, 5, 6, 3', 'globalmaxpool3d(keepdims: true)'],
  ['6, 5', 'layernorm()'],
  ['6, 5', 'layernorm(axis: 1, center: false)'],
  ['6, 6, 8', 'groupnorm(groups: 4)'],
  ['6, 6, 8', 'groupnorm(groups: 2, scale: false)'],
  ['6, 6, 8', 'lrn(size: 3)'],
  ['11, 3', 'spatial_dropout1d(0.3)'],
  ['6, 6, 3', 'spatial_dropout2d(0.3)'],
  ['4, 4, 4, 3', 'spatial_dropout3d(0.3)'],
  ['12', 'gaussian_noise(0.1)'],
  ['12', 'gaussian_dropout(0.2)'],
  ['12', 'alpha_dropout(0.2)'],
  ['5, 6, 3', 'prelu()'],
  ['5, 6, 3', 'prelu(shared_axes: (1, 2))'],
  ['7', 'thresholded_relu(theta: 0.5)'],
  ['7', 'hard_swish()'],
  ['5, 6, 3', 'scale(init: 0.5)'],
  ['5, 6, 3', 'drop_path(0.2)'],
  ['6', 'dense(4, activation: hard_swish)'],
  ['5, 6, 3', 'conv2d(4, 3, padding: (0, 1, 2, 1)) -> maxpool2d(3, padding: 1) -> avgpool2d(2, padding: (1, 0), count_include_pad: false)'],
  ['5, 6, 3', 'conv2d_transpose(2, 3, stride: 2, padding: (1, 0, 0, 1))'],
  ['7', 'hard_tanh()'],
  ['7', 'softsign()'],
  ['7', 'mish()'],
  ['5, 6, 3', 'b = conv2d(3, 1)\n  subtract(b)'],
  ['5, 6, 3', 'b = conv2d(3, 1)\n  multiply(b)'],
  ['5, 6, 3', 'b = conv2d(3, 1)\n  average(b)'],
  ['5, 6, 3', 'b = conv2d(3, 1)\n  maximum(b)'],
  ['5, 6, 3', 'b = conv2d(3, 1)\n  minimum(b)'],
  ['8, 9, 3', 'cropping2d(1, 2)'],
  ['8, 9, 3', 'cropping2d(0, 1, 2, 3)'],
  ['8, 9, 3', 'resizing(5, 12)'],
  ['8, 9, 3', 'resizing(16, 4, interpolation: nearest)'],
  ['4, 6, 2', 'permute(3, 1, 2)'],
  ['5, 6, 8', 'slice(2, -1)'],
  ['5, 6, 8', 'slice(1, 3, axis: 1)'],
  ['5, 6, 8', 'channel_shuffle(4)'],
  ['5, 6, 8', 'a, b = split((3, 5))\n  concat(b, a)'],
  ['12', 'repeat_vector(4)'],
  ['10', 'embedding(100, 8)'],
  ['10, 8', 'positional_embedding(16)'],
  ['10, 8', 'simple_rnn(6)'],
  ['10, 8', 'lstm(6, return_sequences: true)'],
  ['10, 8', 'lstm(6, bidirectional: true)'],
  ['10, 8', 'lstm(6, bidirectional: true, merge_mode: sum, bias: false)'],
  ['10, 8', 'gru(5)'],
  ['10, 8', 'gru(5, reset_after: false, return_sequences: true)'],
  ['10, 8', 'gru(5, bidirectional: true, return_sequences: true)'],
  ['10, 8', 'multihead_attention(2, 4)'],
  ['10, 8', 'multihead_attention(4, 2, value_dim: 3, bias: false, dropout: 0.1)'],
];

/** `single`, as the host sends it to a trainer. */
const singleLowered = (text: string) => lowered(single(text));

const kindOf = (stmt: string) => /(\w+)\(/.exec(stmt.split('\n').pop()!)![1];

before(useCpu);

describe('model builder: examples', () => {
  for (const file of strideFiles(EXAMPLES)) {
    const analysis = analyze(fs.readFileSync(file, 'utf8'));
    for (const m of analysis.models) {
      // diagnostics.stride holds deliberately broken models; only complete ones can be built.
      const complete = m.graph.inputs.length > 0 && m.graph.outputs.length > 0 && m.layers.every((l) => l.shape !== null && l.node.valid);
      if (!complete) continue;
      test(`${file.split('/').pop()}: ${m.graph.name}`, () => checkAgainstCore(m));
    }
  }
});

describe('model builder: one-layer models', () => {
  for (const [input, stmt] of CASES) {
    test(`${stmt.replace(/\n\s*/g, '; ')} on (${input})`, () => {
      const m = single(`model M {\n  input(${input})\n  ${stmt}\n}\n`);
      checkAgainstCore(m);
      checkForward(m);
    });
  }
});

describe('model builder: kinds, errors and outputs', () => {
  test('every registered kind the builder supports has a case above', () => {
    const covered = new Set(CASES.map(([, s]) => defaultRegistry.get(kindOf(s))?.kind));
    const missing = supportedKinds().filter((k) => k !== 'input' && defaultRegistry.get(k) && !covered.has(defaultRegistry.get(k)!.kind));
    assert.deepEqual(missing, []);
  });

  test('a kind without a tfjs implementation fails naming the kind', () => {
    const registry = new LayerRegistry().register(...defaultRegistry.all(), {
      kind: 'mystery_pool',
      category: 'pooling',
      summary: 'test kind',
      args: [],
      arity: 1,
      infer: (ctx) => ({ shape: ctx.inputs[0] }),
    });
    const m = analyze('model M {\n  input(4, 4, 2)\n  mystery_pool()\n}\n', { registry }).models[0];
    assert.throws(
      () => buildModel(lowered(m)),
      (e: Error) => e instanceof BuildError && /'mystery_pool'/.test(e.message) && /mystery_pool_1/.test(e.message),
    );
  });

  test('a model with errors is refused with the layer named', () => {
    const m = analyze('model M {\n  input(4, 4, 2)\n  conv2d(3, 9)\n  flatten()\n}\n').models[0];
    assert.throws(() => buildModel(lowered(m)), /conv2d_1.*conv2d/);
  });

  test('multiple outputs become multiple tfjs outputs', () => {
    const m = single('model M {\n  x = input(8)\n  a = x -> dense(4, activation: softmax)\n  b = x -> dense(1, activation: sigmoid)\n  output(a, b)\n}\n');
    const model = buildModel(lowered(m));
    assert.deepEqual(
      model.outputs.map((o) => o.shape),
      [
        [null, 4],
        [null, 1],
      ],
    );
    model.dispose();
  });
});

describe('model builder: seeds and dropout', () => {
  test('the same seed gives the same initial weights; another seed different ones', () => {
    const m = single('model M {\n  input(6, 6, 2)\n  conv2d(4, 3, groups: 2)\n  depthwise_conv2d(3)\n  flatten()\n  dense(3)\n}\n');
    const weights = (seed: number) => {
      const model = buildModel(lowered(m), { seed });
      const values = model.getWeights().map((w) => Array.from(w.dataSync()));
      model.dispose();
      return values;
    };
    assert.deepEqual(weights(7), weights(7));
    assert.notDeepEqual(weights(7), weights(8));
  });

  test('seeded dropout draws a fresh mask at every training call, the same sequence for the same seed', () => {
    const m = single('model M {\n  input(64)\n  dropout(0.5)\n}\n');
    const masks = () => {
      const model = buildModel(lowered(m), { seed: 4 });
      const x = tf.ones([1, 64]);
      const out = [1, 2].map(() => tf.tidy(() => Array.from((model.apply(x, { training: true }) as tf.Tensor).dataSync())));
      const inference = tf.tidy(() => Array.from((model.apply(x, { training: false }) as tf.Tensor).dataSync()));
      tf.dispose(x);
      model.dispose();
      return { out, inference };
    };
    const a = masks();
    assert.notDeepEqual(a.out[0], a.out[1]);
    assert.deepEqual(masks().out, a.out);
    assert.ok(a.out[0].every((v) => v === 0 || v === 2));
    assert.ok(a.inference.every((v) => v === 1));
  });

  test('spatial dropout drops whole channels', () => {
    const model = buildModel(singleLowered('model M {\n  input(5, 5, 16)\n  spatial_dropout2d(0.5)\n}\n'), { seed: 1 });
    const y = tf.tidy(() => (model.apply(tf.ones([1, 5, 5, 16]), { training: true }) as tf.Tensor).reshape([25, 16]).arraySync() as number[][]);
    model.dispose();
    for (let c = 0; c < 16; c++) assert.equal(new Set(y.map((row) => row[c])).size, 1, `channel ${c} is not dropped as a whole`);
    assert.ok(new Set(y[0]).size === 2, 'some channels are kept and some dropped');
  });
});

describe('model builder: gradients, regularizers and groups', () => {
  test('dilated convolutions have gradients for every weight (tfjs has none for its dilated ops)', () => {
    const m = single(
      'model M {\n  x = input(12, 12, 4)\n  conv2d(4, 3, dilation: 2)\n  depthwise_conv2d(3, dilation: 2, padding: same)\n  separable_conv2d(4, 3, dilation: (1, 2))\n  conv2d(4, 3, groups: 2, dilation: 2, padding: same)\n}\n',
    );
    const model = buildModel(lowered(m), { seed: 1 });
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const norms = tf.tidy(() => {
      const { grads } = tf.variableGrads(() => tf.sum(model.apply(tf.randomUniform([2, 12, 12, 4], 0, 1, 'float32', 1)) as tf.Tensor) as tf.Scalar, vars);
      return vars.map((v) => tf.sum(tf.abs(grads[v.name])).dataSync()[0]);
    });
    model.dispose();
    assert.equal(norms.length, 9);
    assert.ok(
      norms.every((n) => n > 0),
      `gradient norms ${norms}`,
    );
  });

  test('l1/l2 arguments add a regularization loss; none without them', () => {
    const losses = (stmt: string) => {
      const model = buildModel(singleLowered(`model M {\n  input(4)\n  ${stmt}\n}\n`), { seed: 1 });
      const values = tf.tidy(() => model.calculateLosses().map((l) => l.dataSync()[0]));
      model.dispose();
      return values;
    };
    assert.equal(losses('dense(3)').length, 0);
    const [l2] = losses('dense(3, l2: 0.5)');
    assert.ok(l2 > 0, `expected a positive L2 penalty, got ${l2}`);
  });

  test('a grouped convolution keeps groups independent', () => {
    const model = buildModel(singleLowered('model M {\n  input(5, 5, 4)\n  conv2d(6, 3, groups: 2, padding: same)\n}\n'), { seed: 2 });
    const [a, b] = tf.tidy(() => {
      const x = tf.randomUniform([1, 5, 5, 4], -1, 1, 'float32', 5);
      // Changing the second group's input channels must leave the first group's filters' outputs unchanged.
      const x2 = tf.concat([x.slice([0, 0, 0, 0], [1, 5, 5, 2]), tf.randomUniform([1, 5, 5, 2], -1, 1, 'float32', 6)], 3);
      const y = model.predict(x) as tf.Tensor;
      const y2 = model.predict(x2) as tf.Tensor;
      return [
        tf.sub(y, y2).abs().slice([0, 0, 0, 0], [1, 5, 5, 3]).max().dataSync()[0],
        tf.sub(y, y2).abs().slice([0, 0, 0, 3], [1, 5, 5, 3]).max().dataSync()[0],
      ];
    });
    assert.ok(a < 1e-6, `first group changed by ${a}`);
    assert.ok(b > 1e-3, `second group did not change (${b})`);
    model.dispose();
  });
});

test('softmax() on a sequence or an image normalises the last axis, as the analysis and every export say', () => {
  useCpu();
  for (const input of ['input(4, 6)', 'input(3, 4, 5)']) {
    const m = analyze(`model M {\n  ${input}\n  softmax()\n}\n`).models[0];
    const model = buildModel(lowered(m), { seed: 1 });
    const shape = m.layers[0].shape as number[];
    const y = model.predict(tf.randomNormal([2, ...shape], 0, 3, 'float32', 5)) as tf.Tensor;
    const sums = Array.from(y.sum(-1).dataSync());
    for (const s of sums) assert.ok(Math.abs(s - 1) < 1e-5, `${input}: sum over the last axis ${s}`);
    tf.dispose(y);
    model.dispose();
  }
});
