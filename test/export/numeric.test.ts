// The PyTorch export computes what training computes: the tfjs model and the exported module, given the same
// weights in order, produce the same outputs (padding of every form, pooling modes, activations, merges, new layers).

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { analyze } from '../../core/analyze';
import { exportPyTorch, pyName } from '../../core/export/pytorch';
import { buildModel } from '../../train/model-builder';
import { lowered } from '../helpers/training';
import { useCpu } from '../train/helpers';
import { inGraphOrder } from './weight-order';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const RUNNER = path.join(ROOT, 'test', 'export', 'run_numeric.py');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-export-numeric-'));
const hasTorch = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;

/** The largest difference between the tfjs model's output and the exported module's, on seeded weights and input. */
export function exportDiff(source: string): number | string {
  const analysis = analyze(source);
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) return errors.map((e) => e.message).join(' ');
  const model = analysis.models[0];
  const result = exportPyTorch(model);
  if (result.unsupported.length > 0) return `unsupported: ${result.unsupported.join(', ')}`;
  const file = path.join(dir, `${pyName(model.graph.name)}_${Math.random().toString(36).slice(2)}.py`);
  fs.writeFileSync(file, result.code);
  const tfModel = buildModel(lowered(model), { seed: 1 });
  // Variances must be positive; everything else spans both signs.
  const weights = tfModel.weights.map((w, i) => {
    const shape = w.shape as number[];
    return /variance/.test(w.originalName) ? tf.randomUniform(shape, 0.5, 1.5, 'float32', 10 + i) : tf.randomUniform(shape, -0.5, 0.5, 'float32', 10 + i);
  });
  tfModel.setWeights(weights);
  const inputShape = model.layers[model.graph.inputs[0]].shape as number[];
  const x = tf.randomUniform([2, ...inputShape], -3, 3, 'float32', 3);
  const y = tfModel.predict(x) as tf.Tensor;
  const payload = {
    file,
    class: pyName(model.graph.name),
    x: Array.from(x.dataSync()),
    shape: x.shape,
    y: Array.from(y.dataSync()),
    yshape: y.shape,
    weights: inGraphOrder(model, tfModel, weights).map((w) => ({ shape: w.shape, values: Array.from(w.dataSync()) })),
  };
  tf.dispose([x, y, ...weights]);
  tfModel.dispose();
  const run = spawnSync('/usr/bin/python3', [RUNNER], { input: JSON.stringify(payload), encoding: 'utf8', maxBuffer: 64 << 20 });
  if (run.status !== 0) return run.stderr;
  return JSON.parse(run.stdout) as number | string;
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
    test(name, { skip: !hasTorch && 'PyTorch (Debian python3-torch) is not installed' }, () => {
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
    test(name, { skip: !hasTorch && 'PyTorch (Debian python3-torch) is not installed' }, () => {
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
  test(
    'a ConvNeXt-style block with every new layer computes the same in PyTorch',
    { skip: !hasTorch && 'PyTorch (Debian python3-torch) is not installed' },
    () => {
      const diff = exportDiff(source);
      assert.ok(typeof diff === 'number' && diff <= 1e-4, `max abs diff: ${diff}`);
    },
  );
});

describe('PyTorch export of blocks as classes computes what training computes', () => {
  // Variants of one block through `if`, repetition as nn.Sequential inside a nested block, and a repetition with a
  // tensor argument (an nn.ModuleList whose first instance reads the same tensor twice).
  const blocks = `block unit(filters, stride = 1) {
    skip = in
    conv1 = conv2d(filters, 3, stride: stride, padding: same, bias: false)
    norm = batchnorm()
    relu()
    if stride == 1 {
      add(skip)
    }
  }
  block mix(other, f) {
    conv2d(f, 1) -> add(other)
  }
  block stage(filters) {
    unit(filters, stride: 2)
    unit(filters) × 2
  }
  model M {
    input(16, 16, 8)
    unit(8) × 2
    stage(16)
    s = stage(32)
    mix(s, 32) × 3
    globalavgpool2d()
  }`;
  const examples = path.join(ROOT, 'examples');
  const cases: Record<string, string> = {
    'block variants, nested Sequential and ModuleList': blocks,
    'examples/resnet8.stride': fs.readFileSync(path.join(examples, 'resnet8.stride'), 'utf8'),
    'examples/shapes.stride': fs.readFileSync(path.join(examples, 'shapes.stride'), 'utf8'),
    'examples/lenet5.stride': fs.readFileSync(path.join(examples, 'lenet5.stride'), 'utf8'),
    // Full size (3.5 M weights): its repetitions are nn.Sequential of the residual class.
    'examples/mobilenetv2.stride': fs.readFileSync(path.join(examples, 'mobilenetv2.stride'), 'utf8'),
  };
  for (const [name, source] of Object.entries(cases)) {
    test(name, { skip: !hasTorch && 'PyTorch (Debian python3-torch) is not installed' }, () => {
      const diff = exportDiff(source);
      assert.ok(typeof diff === 'number' && diff <= 1e-4, `max abs diff: ${diff}`);
    });
  }
});
