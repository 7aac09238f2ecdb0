// PyTorch export checked by running it: real PyTorch counts the same parameters and produces the same shapes.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { analyze, type ModelAnalysis } from '../../core/analyze';
import { exportPyTorch, pyName, toTorchShape } from '../../core/export/pytorch';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const RUNNER = path.join(ROOT, 'test', 'export', 'run_export.py');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-export-'));

interface TorchFacts {
  trainable: number;
  running_stats: number;
  outputs: number[][];
}

function runTorch(code: string, className: string): TorchFacts {
  const file = path.join(dir, `${className}.py`);
  fs.writeFileSync(file, code);
  const r = spawnSync('/usr/bin/python3', [RUNNER, file, className], { encoding: 'utf8' });
  assert.equal(r.status, 0, `PyTorch could not run the export (is Debian's python3-torch installed?):\n${r.stderr}`);
  return JSON.parse(r.stdout) as TorchFacts;
}

/** Each case: a model whose export must match Stride's counts and output shapes in PyTorch. */
const CASES: Record<string, string> = {
  'same padding with stride 2 (asymmetric in TensorFlow)': `model M {
    input(33, 32, 3)
    conv2d(8, 3, stride: 2, padding: same)
    conv2d(8, (4, 2), padding: same, dilation: (1, 2))
    maxpool2d(3, stride: 2, padding: same)
    avgpool2d(2, padding: same)
    flatten()
    dense(5, activation: softmax)
  }`,
  'depthwise, separable, batch norm and relu6': `model M {
    input(17, 17, 4)
    depthwise_conv2d(3, depth_multiplier: 2, padding: same)
    batchnorm(momentum: 0.9)
    relu6()
    separable_conv2d(16, 3, stride: 2)
    batchnorm(center: false, scale: false)
    globalavgpool2d()
  }`,
  'transposed convolutions, upsampling, zero padding and concat': `model M {
    x = input(7, 9, 6)
    a = conv2d_transpose(4, 3, stride: 2, padding: same)
    b = x -> conv2d_transpose(4, 3, stride: 2) -> conv2d(4, 2)
    c = x -> upsample2d(2, interpolation: bilinear) -> zeropad2d(1) -> conv2d(4, 3)
    t = concat(a, c) -> conv2d_transpose(3, 2, stride: 3, bias: false)
    output(b, t)
  }`,
  'residual block with projection and two outputs': `block res(f, s) {
    skip = in
    conv2d(f, 3, stride: s, padding: same, bias: false) -> batchnorm() -> relu()
    conv2d(f, 3, padding: same, bias: false) -> batchnorm()
    add(skip -> conv2d(f, 1, stride: s) -> batchnorm())
    relu()
  }
  model M {
    input(32, 32, 3)
    res(16, 2)
    h = res(32, 2)
    y1 = globalmaxpool2d() -> dense(10, activation: softmax)
    y2 = h -> flatten() -> reshape(16, 8, 16) -> dense(3)
    output(y1, y2)
  }`,
};

for (const [name, text] of Object.entries(CASES)) {
  test(`PyTorch export: ${name}`, () => {
    const analysis = analyze(text);
    assert.deepEqual(
      analysis.diagnostics.filter((d) => d.severity === 'error'),
      [],
    );
    const model = analysis.models[0];
    const result = exportPyTorch(model);
    assert.deepEqual(result.unsupported, []);
    const facts = runTorch(result.code, pyName(model.graph.name));
    assert.equal(facts.trainable, model.totals.trainable, 'trainable parameters');
    assert.equal(facts.running_stats, model.totals.nonTrainable, 'batch-norm running statistics = Keras non-trainable');
    const expected = model.graph.outputs.map((o) => toTorchShape(model.layers[o].shape!));
    assert.deepEqual(facts.outputs, expected, 'output shapes');
  });
}

test('PyTorch export refuses layers without a translation and names them', () => {
  const model = analyze('model M {\n input(4)\n dense(3)\n}').models[0];
  const patched = { ...model, layers: model.layers.map((l, i) => (i === 1 ? { ...l, node: { ...l.node, kind: 'mystery' } } : l)) };
  assert.deepEqual(exportPyTorch(patched).unsupported, ['dense_1 (mystery)']);
});

/** PyTorch's RNN and LSTM keep a second (recurrent) bias per gate that Keras folds into one: units·gates per direction. */
function secondBiases(model: ModelAnalysis): number {
  const gates: Record<string, number> = { simple_rnn: 1, lstm: 4 };
  return model.layers
    .map(({ node }) => (gates[node.kind] && node.args.bias ? gates[node.kind] * (node.args.units as number) * (node.args.bidirectional ? 2 : 1) : 0))
    .reduce((a, b) => a + b, 0);
}

test('PyTorch export of the example networks matches Stride in real PyTorch', () => {
  const exdir = path.join(ROOT, 'examples');
  const exported: string[] = [];
  for (const file of fs.readdirSync(exdir).filter((f) => f.endsWith('.stride') && f !== 'diagnostics.stride')) {
    const analysis = analyze(fs.readFileSync(path.join(exdir, file), 'utf8'));
    for (const model of analysis.models) {
      const result = exportPyTorch(model);
      if (result.unsupported.length > 0) continue;
      const facts = runTorch(result.code, pyName(model.graph.name));
      assert.equal(facts.trainable, model.totals.trainable + secondBiases(model), `${file} ${model.graph.name}: trainable`);
      assert.equal(facts.running_stats, model.totals.nonTrainable, `${file} ${model.graph.name}: running stats`);
      assert.deepEqual(
        facts.outputs,
        model.graph.outputs.map((o) => toTorchShape(model.layers[o].shape!)),
        `${file} ${model.graph.name}: outputs`,
      );
      exported.push(file);
    }
  }
  for (const required of [
    'lenet5.stride',
    'vgg16.stride',
    'resnet18.stride',
    'mobilenetv2.stride',
    'unet.stride',
    'tiny-yolo.stride',
    'faster-rcnn-rpn.stride',
    'googlenet.stride',
    'densenet121.stride',
    'resnet50.stride',
    'alexnet.stride',
    'bert-mini.stride',
    'lstm-text.stride',
  ])
    assert.ok(exported.includes(required), `${required} exported`);
});
