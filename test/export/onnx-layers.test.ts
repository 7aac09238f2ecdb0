// The ONNX export computes what training computes, layer kind by layer kind: each small model is exported with random
// weights, run in onnxruntime and in tfjs on the same input (batch 1 and 3), and checked by the python onnx checker.

import { strict as assert } from 'node:assert';
import { before, describe, test } from 'node:test';
import { onnxSupport } from '../../export/onnx/format';
import { defaultRegistry } from '../../core/model/layers';
import { useCpu } from '../train/helpers';
import { checkFiles, compare, exportWithWeights, hasOnnxChecker, initializerCount, modelOf, ort, saved } from './onnx-helpers';

/** A model applying each layer to one shared tensor, the results concatenated on the channels or each an output. */
function branches(input: string, shared: string, layers: readonly string[], join: 'concat' | 'output' = 'concat'): string {
  const lines = layers.map((l, i) => `    b${i} = c -> ${l}`);
  return `model M {\n    x = ${input}\n    c = x -> ${shared}\n${lines.join('\n')}\n    ${join}(${layers.map((_, i) => `b${i}`).join(', ')})\n  }`;
}

const CASES: Record<string, string> = {
  'TensorFlow same padding (odd and even), strides, dilation, groups, activations': `model M {
    input(9, 8, 4)
    conv2d(6, 3, stride: 2, padding: same, activation: relu)
    conv2d(6, 4, padding: same, groups: 2, bias: false)
    conv2d(4, 3, padding: same, dilation: 2, activation: hard_sigmoid)
    conv2d(4, 2, stride: 2, padding: same, activation: hard_swish)
  }`,
  'numeric and per-side convolution padding': `model M {
    input(11, 10, 3)
    conv2d(4, 3, stride: 2, padding: 1)
    conv2d(5, 3, padding: (0, 1, 2, 1))
    depthwise_conv2d(3, padding: (1, 2), depth_multiplier: 2)
    separable_conv2d(4, 3, padding: 1)
  }`,
  'depthwise and separable, plain and dilated, with and without bias': `model M {
    input(10, 9, 4)
    depthwise_conv2d(3, padding: same, depth_multiplier: 2, activation: relu6)
    depthwise_conv2d(3, padding: same, dilation: 2, bias: false)
    depthwise_conv2d(3, dilation: 2)
    separable_conv2d(5, 3, stride: 2, padding: same)
    separable_conv2d(4, 3, dilation: 2, padding: same, activation: tanh)
  }`,
  'transposed convolutions: same, valid with kernel below stride, numeric padding': `model M {
    input(4, 5, 3)
    conv2d_transpose(3, 3, stride: 2, padding: same)
    conv2d_transpose(2, 2, stride: 3)
    conv2d_transpose(2, 4, stride: 2, padding: 1)
    conv2d_transpose(3, 3, stride: 2, padding: (1, 0, 0, 1))
  }`,
  'pooling: same, numeric padding, ceil mode, count_include_pad, Lp': `model M {
    x = input(13, 11, 3)
    a = x -> maxpool2d(3, stride: 2, padding: same) -> avgpool2d(3, stride: 1, padding: same) -> avgpool2d(3, stride: 1, padding: 1)
    a2 = a -> avgpool2d(3, stride: 1, padding: 1, count_include_pad: false) -> flatten()
    b = x -> avgpool2d(2, padding: (0, 1, 1, 0)) -> maxpool2d(2, padding: (1, 0, 0, 1))
    b2 = b -> avgpool2d(2, stride: 1, padding: same, count_include_pad: true) -> flatten()
    c = x -> avgpool2d(3, stride: 2, ceil_mode: true) -> lppool2d(2, stride: 1, p: 4) -> flatten()
    d = x -> lppool2d(2, ceil_mode: true) -> maxpool2d(3, stride: 2, ceil_mode: true) -> avgpool2d(2, padding: 1, ceil_mode: true)
    concat(a2, b2, c, d -> flatten())
  }`,
  'batch normalisation (moved statistics, with and without gamma/beta), global pools': `model M {
    x = input(6, 5, 4)
    a = x -> batchnorm() -> globalavgpool2d()
    b = x -> batchnorm(center: false, scale: false) -> globalmaxpool2d(keepdims: true) -> flatten()
    concat(a, b)
    batchnorm()
  }`,
  '1-D layers: causal and dilated convolution, depthwise, separable, transposed, pooling': `model M {
    input(16, 3)
    conv1d(4, 3, padding: causal, dilation: 2)
    conv1d(5, 3, padding: same, stride: 2)
    depthwise_conv1d(3, padding: same)
    separable_conv1d(6, 3)
    conv1d_transpose(4, 3, stride: 2, padding: same)
    maxpool1d(2)
    avgpool1d(3, stride: 1, padding: same)
    lppool1d(2)
    y = spatial_dropout1d(0.1)
    concat(y -> globalavgpool1d(), y -> globalmaxpool1d())
  }`,
  '3-D layers: convolution, transposed, pooling': `model M {
    input(6, 5, 4, 2)
    conv3d(3, 3, padding: same)
    maxpool3d(2)
    conv3d_transpose(2, 2, stride: 2)
    avgpool3d(2, padding: same)
    lppool3d(2, stride: 1)
    y = spatial_dropout3d(0.1)
    concat(y -> globalmaxpool3d(), y -> globalavgpool3d())
  }`,
  'dense on vectors, sequences and images; flatten, reshape, permute, repeat_vector': `model M {
    input(4, 3, 5)
    dense(6)
    conv2d(3, 1)
    flatten()
    dense(12, activation: softmax)
    reshape(3, 4)
    permute(2, 1)
    dense(5, activation: gelu)
    flatten()
    dense(4, bias: false)
    repeat_vector(3)
    dense(2)
  }`,
  'zero padding, cropping, upsampling and resizing': `model M {
    input(5, 6, 3)
    zeropad2d((1, 2, 0, 3))
    cropping2d((1, 0, 2, 1))
    upsample2d(2)
    conv2d(3, 1)
    upsample2d((2, 3), interpolation: bilinear)
    resizing(7, 9)
    conv2d(2, 1)
    resizing(4, 5, interpolation: nearest)
    resizing(11, 6, interpolation: nearest)
  }`,
  // Each activation on its own branch, so an error in one reaches the output undamped.
  'every activation layer': branches('input(4, 3, 6)', 'conv2d(6, 1)', [
    'relu()',
    'relu6()',
    'sigmoid()',
    'hard_sigmoid()',
    'tanh()',
    'softplus()',
    'elu(alpha: 0.5)',
    'elu()',
    'selu()',
    'gelu()',
    'swish()',
    'leaky_relu(alpha: 0.1)',
    'leaky_relu()',
    'thresholded_relu(theta: 0.2)',
    'hard_swish()',
    'hard_tanh()',
    'softsign()',
    'mish()',
    'activation(silu)',
    'activation(softmax)',
    'softmax(axis: 1)',
    'softmax(axis: 2)',
    'conv2d(3, 1, activation: gelu)',
    'conv2d(3, 1, activation: softmax)',
  ]),
  'merges with broadcasts of lower rank, concat on every axis': `model B {
    x = input(5, 4, 6)
    v = x -> globalavgpool2d() -> dense(6)
    r = x -> conv2d(1, 1)
    a = x -> add(v)
    s = subtract(a, r)
    m = s -> maximum(v, r)
    n = m -> minimum(x, v)
    p = average(n, v, r) -> multiply(x)
    c1 = concat(p, x)
    c2 = concat(x, n, axis: 1)
    c3 = concat(a, s, axis: 2) -> conv2d(6, (1, 2), stride: (1, 2))
    add(c3, c1 -> conv2d(6, 1), c2 -> maxpool2d((2, 1)))
  }`,
  'split, slice and channel shuffle on images and sequences': `model M {
    x = input(6, 4, 8)
    a, b = x -> split(2)
    c = b -> conv2d(4, 1)
    y = concat(a, c) -> channel_shuffle(2)
    top, bottom = y -> split((2, 4), axis: 1)
    z = concat(bottom, top, axis: 1) -> slice(1, 3, axis: 2)
    s = z -> reshape(12, 8) -> channel_shuffle(4) -> slice(2, -1, axis: 1)
    s
  }`,
  'layer norm, group norm, local response norm, scale, PReLU, dropouts': `model M {
    input(5, 4, 8)
    conv2d(8, 3, padding: same)
    layernorm(epsilon: 1e-5)
    groupnorm(groups: 4)
    lrn(size: 3, alpha: 0.1)
    scale(init: 0.5)
    prelu()
    dropout(0.3)
    spatial_dropout2d(0.2)
    gaussian_noise(0.1)
    gaussian_dropout(0.1)
    alpha_dropout(0.1)
    drop_path(0.2)
    conv2d(4, 1)
    layernorm(center: false, scale: false)
    groupnorm(groups: 2, center: false)
    prelu(shared_axes: (1, 2))
  }`,
  'embedding, positional embedding, multi-head attention, layer norm on sequences': `model M {
    input(6)
    embedding(20, 8)
    positional_embedding(10)
    x = layernorm()
    a = multihead_attention(2, 4)
    b = x -> multihead_attention(3, 2, value_dim: 5, bias: false)
    add(x, a, b)
    dense(4)
  }`,
  'recurrent layers: LSTM, GRU (both variants), simple RNN, every merge mode': branches(
    'input(5, 3)',
    'dense(3)',
    [
      'lstm(4, return_sequences: true, bidirectional: true)',
      'gru(3, return_sequences: true, bidirectional: true, merge_mode: sum)',
      'gru(3, reset_after: false, return_sequences: true)',
      'simple_rnn(4, return_sequences: true, bidirectional: true, merge_mode: ave)',
      'lstm(3, return_sequences: true, bidirectional: true, merge_mode: mul)',
      'lstm(3, return_sequences: true, activation: relu)',
      'gru(2, bidirectional: true, bias: false)',
    ],
    'output',
  ),
  'recurrent layers returning their last state': `model M {
    x = input(4, 3)
    a = x -> lstm(5)
    b = x -> simple_rnn(5, activation: relu)
    c = x -> gru(5, reset_after: false, bidirectional: true, merge_mode: ave)
    d = x -> lstm(5, bidirectional: true, merge_mode: sum)
    add(a, b, c, d)
  }`,
  'several inputs and outputs, named after their tensors': `model M {
    image = input(6, 6, 2)
    extra = input(3)
    features = image -> conv2d(4, 3) -> globalavgpool2d()
    joined = concat(features, extra)
    logits = joined -> dense(3)
    mask = image -> conv2d(1, 1, activation: sigmoid)
    output(logits, mask)
  }`,
};

const files: string[] = [];

describe('ONNX export of every layer kind equals tfjs in onnxruntime', () => {
  before(useCpu);
  for (const [name, source] of Object.entries(CASES)) {
    test(name, async () => {
      const { model, text } = modelOf(source);
      const { bytes, tfModel } = exportWithWeights(model, text, true);
      files.push(saved(`layers-${files.length}`, bytes));
      assert.equal(initializerCount(bytes), model.totals.params, 'initializer values = trainable + non-trainable parameters');
      const session = await ort.InferenceSession.create(bytes);
      const { diff, scale } = await compare(model, tfModel, session, [1, 3]);
      tfModel.dispose();
      assert.ok(diff <= 1e-4, `max abs diff ${diff}`);
      assert.ok(scale > 0.05, `outputs too small to tell anything (largest ${scale})`);
    });
  }
});

describe('ONNX files pass the onnx checker', () => {
  test('onnx.checker.check_model(full_check=True) accepts every exported file', { skip: !hasOnnxChecker && 'python3-onnx is not installed' }, () => {
    assert.ok(files.length > 0, 'the numeric tests wrote files');
    assert.deepEqual(checkFiles(files).failures, []);
  });
});

describe('ONNX support table', () => {
  test('every registry kind is covered by a test case or said to be refused', () => {
    const used = new Set(Object.values(CASES).flatMap((s) => modelOf(s).model.graph.nodes.map((n) => n.kind)));
    const untested = defaultRegistry
      .all()
      .map((d) => d.kind)
      .filter((k) => onnxSupport(k).status !== 'refused' && !used.has(k) && k !== 'split');
    assert.deepEqual(untested, []);
  });
});
