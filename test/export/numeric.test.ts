// The PyTorch export computes what training computes: the tfjs model and the exported module, given the same
// weights (as the safetensors state_dict users get, loaded strictly), produce the same outputs, for every layer kind.

import { strict as assert } from 'node:assert';
import { before, describe, test } from 'node:test';
import { pytorchSupport } from '../../core/export/pytorch-support';
import { defaultRegistry } from '../../core/model/layers';
import { useCpu } from '../train/helpers';
import { BLOCKS } from './block-cases';
import { checkInTorch, diffOf, modelOf, NO_TORCH } from './torch-harness';

/** The largest difference between the tfjs model's output and the exported module's, on seeded weights and input. */
export function exportDiff(source: string): number | string {
  return diffOf(checkInTorch(modelOf(source)));
}

const CASES: Record<string, string> = {
  'numeric and per-side convolution padding': `model M {
    input(11, 10, 3)
    conv2d(4, 3, stride: 2, padding: 1)
    conv2d(5, 3, padding: (0, 1, 2, 1))
    depthwise_conv2d(3, padding: (1, 2), depth_multiplier: 2)
    separable_conv2d(4, 3, padding: 1)
  }`,
  'pooling with numeric padding, ceil mode and count_include_pad': `model M {
    input(12, 11, 3)
    maxpool2d(3, stride: 2, padding: 1)
    avgpool2d(3, stride: 1, padding: 1)
    avgpool2d(3, stride: 1, padding: 1, count_include_pad: false)
    avgpool2d(2, padding: (0, 1, 1, 0))
    maxpool2d(2, padding: (1, 0, 0, 1))
    avgpool2d(2, stride: 1, padding: same, count_include_pad: true)
    maxpool2d(3, stride: 2, ceil_mode: true)
  }`,
  'ceil mode (the dropped-argument reproducer)': `model P {
    input(6, 6, 1)
    maxpool2d(3, stride: 2, ceil_mode: true)
  }`,
  'transposed convolutions with numeric padding': `model M {
    input(4, 5, 3)
    conv2d_transpose(2, 4, stride: 2, padding: 1)
    conv2d_transpose(3, 3, stride: 2, padding: (1, 0, 0, 1))
    conv2d_transpose(2, 2, stride: 3, padding: (0, 1))
  }`,
};

describe('PyTorch export computes what training computes', () => {
  before(useCpu);
  for (const [name, source] of Object.entries(CASES)) {
    test(name, { skip: NO_TORCH }, () => {
      const diff = exportDiff(source);
      assert.ok(typeof diff === 'number' && diff <= 1e-4, `max abs diff: ${diff}`);
    });
  }
});

const MERGES: Record<string, string> = {
  'squeeze-and-excitation gate, current tensor first': `model SE {
    x = input(6, 6, 8)
    globalavgpool2d(keepdims: true) -> conv2d(2, 1, activation: relu) -> conv2d(8, 1, activation: sigmoid)
    multiply(x)
  }`,
  'squeeze-and-excitation gate, named tensor second': `model SE {
    x = input(6, 6, 8)
    g = globalavgpool2d(keepdims: true) -> conv2d(8, 1, activation: hard_sigmoid)
    x -> multiply(g)
  }`,
  'every element-wise merge with broadcasts of lower rank and axes of 1': `model B {
    x = input(5, 4, 6)
    v = x -> globalavgpool2d() -> dense(6)
    r = x -> conv2d(1, 1)
    a = x -> add(v)
    s = subtract(a, r)
    m = s -> maximum(v, r)
    n = m -> minimum(x, v)
    average(n, v, r)
  }`,
  'dense and layer normalisation on a sequence': `model S {
    input(5, 6)
    dense(4, activation: gelu)
    layernorm()
    scale(init: 0.1)
  }`,
  'layer normalisation and dense on the channel axis of an image': `model L {
    input(5, 4, 6)
    layernorm(epsilon: 1e-6)
    dense(8)
    layer_norm()
  }`,
};

describe('PyTorch export of broadcasting merges, layer normalisation and dense on images', () => {
  before(useCpu);
  for (const [name, source] of Object.entries(MERGES)) {
    test(name, { skip: NO_TORCH }, () => {
      const diff = exportDiff(source);
      assert.ok(typeof diff === 'number' && diff <= 1e-4, `max abs diff: ${diff}`);
    });
  }
});

describe('PyTorch export of layer scale, stochastic depth and hard activations', () => {
  before(useCpu);
  const source = `model C {
    x = input(6, 5, 8)
    depthwise_conv2d(7, padding: 3) -> layernorm(epsilon: 1e-6) -> dense(16) -> gelu() -> dense(8) -> scale(init: 0.5) -> drop_path(0.2)
    add(x)
    hard_swish()
    conv2d(4, 1, activation: hard_swish)
    hard_sigmoid()
    globalavgpool2d()
    scale()
  }`;
  test('a ConvNeXt-style block with every new layer computes the same in PyTorch', { skip: NO_TORCH }, () => {
    const diff = exportDiff(source);
    assert.ok(typeof diff === 'number' && diff <= 1e-4, `max abs diff: ${diff}`);
  });
});

/** Every kind the first tables leave out, by topic: 1-D and 3-D windows, image extras, sequences, activations. */
const KINDS: Record<string, string> = {
  '1-D convolutions, pooling and normalisation over sequences': `model C {
    input(12, 4)
    conv1d(5, 3, padding: same)
    conv1d(5, 3, padding: causal, dilation: 2)
    depthwise_conv1d(3, padding: causal, depth_multiplier: 2)
    separable_conv1d(4, 3, padding: same)
    conv1d(4, 3, groups: 2, padding: 1)
    batchnorm()
    maxpool1d(2)
    conv1d_transpose(3, 3, stride: 2, padding: same)
    avgpool1d(3, stride: 1, padding: same)
    lppool1d(2)
    groupnorm(3)
    lrn(3)
    prelu()
    spatial_dropout1d(0.2)
    globalmaxpool1d(keepdims: true)
    flatten()
    softmax()
  }`,
  '1-D average pooling': `model A {
    x = input(9, 3)
    globalavgpool1d(keepdims: true)
    add(x)
  }`,
  '3-D convolutions and pooling over volumes': `model V {
    input(6, 7, 5, 2)
    conv3d(3, 3, padding: same)
    maxpool3d(2, padding: same)
    conv3d_transpose(2, 2, stride: 2)
    avgpool3d(2, stride: 1, padding: same)
    lppool3d(2)
    groupnorm(2)
    prelu(shared_axes: (1, 2, 3))
    spatial_dropout3d(0.1)
    scale()
    dense(3)
    globalmaxpool3d(keepdims: true)
    reshape(3)
  }`,
  'dilated and depthwise 2-D convolutions': `model D {
    input(19, 19, 4)
    conv2d(4, 3, dilation: 2, groups: 2)
    depthwise_conv2d(3, dilation: 2, depth_multiplier: 2)
    separable_conv2d(4, 3, dilation: 2)
    conv2d_transpose(3, 3, stride: 2, padding: same)
    batchnorm(center: false, scale: false)
  }`,
  'Lp pooling, resizing, local response and group normalisation, PReLU, noise and permute on images': `model I {
    input(9, 10, 4)
    relu()
    lppool2d(2, p: 3)
    resizing(7, 5)
    upsample2d(2)
    resizing(9, 6, interpolation: nearest)
    lrn(3)
    groupnorm(2, epsilon: 1e-5)
    prelu()
    thresholded_relu(theta: 0.1)
    hard_tanh()
    permute(2, 3, 1)
    gaussian_noise(0.1)
    gaussian_dropout(0.1)
    alpha_dropout(0.1)
    spatial_dropout2d(0.1)
    permute(3, 1, 2)
    reshape(6, 36)
    permute(2, 1)
    softmax(axis: 1)
  }`,
  'recurrent layers in every direction and merge mode, attention and learned positions': `model S {
    input(7, 5)
    lstm(4, return_sequences: true, bidirectional: true)
    gru(3, return_sequences: true, bidirectional: true, merge_mode: sum)
    simple_rnn(4, return_sequences: true, activation: relu)
    multihead_attention(2, 3, value_dim: 4)
    positional_embedding(9)
    lstm(3, bidirectional: true, merge_mode: ave)
    repeat_vector(3)
    simple_rnn(3, bidirectional: true)
    repeat_vector(2)
    gru(2)
  }`,
  'token embeddings into attention, GRU and LSTM': `model E {
    input(6)
    embedding(11, 8)
    multihead_attention(2, 4)
    layernorm()
    gru(3, return_sequences: true)
    lstm(5, bidirectional: true, merge_mode: mul)
    dense(2, activation: sigmoid)
  }`,
  'every activation layer': `model F {
    x = input(4, 3, 6)
    elu(alpha: 0.5)
    selu()
    softplus()
    softsign()
    mish()
    swish()
    gelu()
    leaky_relu(alpha: 0.2)
    relu6()
    tanh()
    hard_sigmoid()
    activation(silu)
    sigmoid()
    maximum(x)
    subtract(x)
    minimum(x)
    average(x)
    multiply(x)
    concat(x)
    cropping2d((1, 0, 0, 1))
    zeropad2d((1, 0, 2, 1))
    dropout(0.3)
    drop_path(0.1)
    slice(0, 4)
    channel_shuffle(2)
    hard_swish()
    globalmaxpool2d()
  }`,
  'normalisations that learn only a scale or only an offset': `model N {
    input(6, 5, 4)
    batchnorm(scale: false)
    batchnorm(center: false)
    layernorm(center: false)
    groupnorm(2, scale: false)
    dense(3)
    layernorm(scale: false)
  }`,
  'global average over a volume': `model G {
    input(3, 4, 5, 2)
    globalavgpool3d(keepdims: true)
  }`,
};

describe('PyTorch export of every other layer kind, weights as safetensors', () => {
  before(useCpu);
  for (const [name, source] of Object.entries(KINDS)) {
    test(name, { skip: NO_TORCH }, () => {
      const check = checkInTorch(modelOf(source));
      assert.ok(typeof check !== 'string', String(check));
      assert.ok(check.diff <= 1e-4, `max abs diff: ${check.diff}`);
      // Every layer's variable in forward has Stride's shape (input and layers; a few may be reused names).
      assert.ok(check.checked >= modelOf(source).layers.length - 1, `shapes checked: ${check.checked}`);
    });
  }
});

test('every layer kind the PyTorch export translates is checked numerically above', () => {
  const sources = [...Object.values(CASES), ...Object.values(MERGES), ...Object.values(KINDS)];
  const seen = new Set(sources.flatMap((s) => modelOf(s).layers.map((l) => l.node.kind)));
  // `split` is lowered to slices before any exporter sees it.
  const missing = defaultRegistry
    .all()
    .map((d) => d.kind)
    .filter((k) => pytorchSupport(k).status !== 'refused' && !seen.has(k) && k !== 'split');
  assert.deepEqual(missing, []);
});

describe('PyTorch export of blocks as classes computes what training computes', () => {
  // Variants of one block through `if`, repetition as nn.Sequential inside a nested block, and a repetition with a
  // tensor argument (an nn.ModuleList whose first instance reads the same tensor twice).
  test('block variants, nested Sequential and ModuleList', { skip: NO_TORCH }, () => {
    const diff = exportDiff(BLOCKS);
    assert.ok(typeof diff === 'number' && diff <= 1e-4, `max abs diff: ${diff}`);
  });
});
