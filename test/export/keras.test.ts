// The Keras export without Keras (it cannot be installed here): the file compiles, its syntax tree has every layer with
// the right class and arguments, and numpy reads weights.npz with the right names, shapes and values.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { analyze } from '../../core/analyze';
import { ExportRefused } from '../../export/formats';
import { kerasFormat, kerasName, liveNodes } from '../../export/keras';
import { produceExport, writeExport } from '../../export/run';
import { exportWeights } from '../../train/node/export-weights';
import { lowered } from '../helpers/training';
import { smallExample } from './small-examples';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CHECKER = path.join(ROOT, 'test', 'export', 'check_keras.py');
const PYTHON = '/usr/bin/python3';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-export-keras-'));
const hasNumpy = spawnSync(PYTHON, ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;

/** The Keras class each Stride kind must be written as (independent of the exporter's own table). */
const CLASS: Record<string, string> = {
  conv1d: 'layers.Conv1D',
  conv2d: 'layers.Conv2D',
  depthwise_conv2d: 'layers.DepthwiseConv2D',
  separable_conv2d: 'layers.SeparableConv2D',
  depthwise_conv1d: 'layers.DepthwiseConv1D',
  conv2d_transpose: 'layers.Conv2DTranspose',
  dense: 'layers.Dense',
  batchnorm: 'layers.BatchNormalization',
  layernorm: 'layers.LayerNormalization',
  maxpool2d: 'layers.MaxPooling2D',
  avgpool2d: 'layers.AveragePooling2D',
  globalavgpool2d: 'layers.GlobalAveragePooling2D',
  add: 'layers.Add',
  concat: 'layers.Concatenate',
  multiply: 'layers.Multiply',
  relu: 'layers.ReLU',
  dropout: 'layers.Dropout',
  flatten: 'layers.Flatten',
  embedding: 'layers.Embedding',
  lstm: 'layers.LSTM',
  gru: 'layers.GRU',
  multihead_attention: 'layers.MultiHeadAttention',
  drop_path: 'DropPath',
  scale: 'LayerScale',
  positional_embedding: 'PositionalEmbedding',
  softmax: 'layers.Softmax',
  zeropad2d: 'layers.ZeroPadding2D',
};

interface Call {
  cls: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
}
interface Checked {
  calls: Record<string, Call>;
  weights: Record<string, string[]>;
  arrays: Record<string, { shape: number[]; dtype: string; sum: number }>;
  classes: string[];
}

async function exportAndRead(source: string, logits = false): Promise<{ checked: Checked; analysis: ReturnType<typeof analyze> }> {
  const analysis = analyze(source);
  assert.deepEqual(
    analysis.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
    [],
  );
  const output = await produceExport(kerasFormat, analysis, analysis.models[0], { logits });
  const out = path.join(dir, `${analysis.models[0].graph.name}-${Math.random().toString(36).slice(2)}`);
  writeExport(output, out);
  const py = path.join(out, 'model.py');
  const compiled = spawnSync(PYTHON, ['-m', 'py_compile', py], { encoding: 'utf8' });
  assert.equal(compiled.status, 0, compiled.stderr);
  const run = spawnSync(PYTHON, [CHECKER], { input: JSON.stringify({ py, npz: path.join(out, 'weights.npz') }), encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(run.status, 0, run.stderr);
  return { checked: JSON.parse(run.stdout) as Checked, analysis };
}

/** Every live layer is a named call of the right class; every weight is in the npz; the arrays add up to the model's count. */
function assertFaithful(checked: Checked, analysis: ReturnType<typeof analyze>): void {
  const model = analysis.models[0];
  const training = lowered(model);
  for (const id of liveNodes(training)) {
    const node = training.nodes[id];
    const call = checked.calls[kerasName(node.name)];
    assert.ok(call, `no Keras layer named ${kerasName(node.name)} (${node.kind})`);
    const cls = node.args.bidirectional === true ? 'layers.Bidirectional' : CLASS[node.kind];
    if (cls) assert.equal(call.cls, cls, `${node.name} (${node.kind})`);
    assertArgs(node.kind, node.args, call);
  }
  let total = 0;
  for (const [layer, names] of Object.entries(checked.weights)) {
    assert.ok(checked.calls[layer], `weights of an unknown layer ${layer}`);
    for (const name of names) {
      const array = checked.arrays[name];
      assert.ok(array, `${name} missing from weights.npz`);
      assert.equal(array.dtype, 'float32');
      total += array.shape.reduce((a, b) => a * b, 1);
    }
  }
  assert.equal(Object.keys(checked.arrays).length, Object.values(checked.weights).flat().length);
  assert.equal(total, model.totals.params, 'the arrays hold every parameter the model counts');
}

/** The npz holds the values Stride's model has (their sum, to float32 rounding), not only their shapes. */
async function assertValues(checked: Checked, analysis: ReturnType<typeof analyze>): Promise<void> {
  const training = lowered(analysis.models[0]);
  const { weights } = await exportWeights(training, { seed: training.settings.seed });
  const expected = weights.reduce((s, w) => s + w.data.reduce((a, v) => a + v, 0), 0);
  const got = Object.values(checked.arrays).reduce((s, a) => s + a.sum, 0);
  assert.ok(Math.abs(got - expected) <= 1e-3 * Math.max(1, Math.abs(expected)), `sum ${got}, expected ${expected}`);
}

function assertArgs(kind: string, args: Readonly<Record<string, unknown>>, call: Call): void {
  const kw = call.kwargs;
  if (/^conv[123]d$|^separable/.test(kind)) assert.equal(call.args[0], args.filters);
  if (/conv\dd/.test(kind)) assert.deepEqual(call.args.at(-1), (args.kernel as number[]).length === 1 ? (args.kernel as number[])[0] : args.kernel);
  if (kind === 'batchnorm') assert.deepEqual([kw.epsilon, kw.momentum], [args.epsilon, args.momentum]);
  if (kind === 'layernorm') assert.equal(kw.epsilon, args.epsilon);
  if (kind === 'dense') assert.equal(kw.units, args.units);
  if (kind === 'dropout') assert.equal(kw.rate, args.rate);
  if (kind === 'multihead_attention') assert.deepEqual([kw.num_heads, kw.key_dim], [args.heads, args.key_dim]);
  if (kind === 'gru') assert.equal(kw.reset_after, args.reset_after !== false);
  if (kind === 'channel_shuffle') assert.equal(kw.groups, args.groups);
  if ((kind === 'lstm' || kind === 'gru') && args.bidirectional !== true) assert.equal(call.args[0], args.units);
}

const CASES: Record<string, string> = {
  'convolutions, batch norm with its epsilon and momentum, pools with numeric padding and ceil mode': `model M {
    input(12, 11, 3)
    conv2d(4, 3, stride: 2, padding: 1, activation: relu, l2: 0.001)
    batchnorm(momentum: 0.9, epsilon: 0.00001)
    depthwise_conv2d(3, padding: same, depth_multiplier: 2)
    separable_conv2d(4, 3, padding: same, activation: relu6)
    maxpool2d(3, stride: 2, ceil_mode: true)
    avgpool2d(2, padding: (0, 1, 1, 0))
    x = conv2d(4, 1)
    y = conv2d(4, 1, groups: 2, dilation: 1)
    add(x, y)
    conv2d_transpose(3, 3, stride: 2, padding: same)
    globalavgpool2d()
    dense(7, activation: softmax)
  }`,
  'text: embedding, positional embedding, attention, layer norm, LSTM, GRU (reset_after), 1-D depthwise': `model M {
    input(12)
    embedding(50, 16)
    positional_embedding(12)
    x = multihead_attention(2, 8)
    add(x)
    layernorm()
    lstm(8, return_sequences: true, bidirectional: true)
    gru(6, return_sequences: true)
    depthwise_conv1d(3)
    gru(5, reset_after: false)
    dropout(0.2)
  }`,
};

describe(
  'Keras export: compiles, every layer with its class and arguments, weights in the npz',
  { skip: !hasNumpy && 'numpy is missing at /usr/bin/python3' },
  () => {
    for (const [name, source] of Object.entries(CASES)) {
      test(name, async () => {
        const { checked, analysis } = await exportAndRead(source);
        assertFaithful(checked, analysis);
      });
    }
    for (const example of ['lenet5', 'resnet18', 'mobilenetv2', 'efficientnet-b0', 'convnext-tiny', 'googlenet', 'bert-mini', 'lstm-text', 'shufflenetv2']) {
      test(`example ${example}`, async () => {
        const { checked, analysis } = await exportAndRead(smallExample(example));
        assertFaithful(checked, analysis);
      });
    }
    test('custom layers are defined in the file exactly when used', async () => {
      const { checked } = await exportAndRead(`model M {\n  input(8, 8, 3)\n  conv2d(4, 3)\n  drop_path(0.1)\n  scale(0.5)\n  maxpool2d(2, padding: 1)\n}`);
      assert.deepEqual(checked.classes.sort(), ['DropPath', 'LayerScale', 'PadSpatial']);
      assert.deepEqual(checked.calls.maxpool2d_1_pad.args[0], [
        [1, 1],
        [1, 1],
      ]);
      assert.equal(checked.calls.maxpool2d_1_pad.kwargs.value, "float('-inf')");
    });
    test('--logits leaves out the final softmax', async () => {
      const { checked } = await exportAndRead(`model M {\n  input(4)\n  dense(3)\n  softmax()\n}`, true);
      assert.ok(checked.calls.dense_1);
      assert.equal(checked.calls.softmax_1, undefined);
    });
  },
);

test('kinds Keras lacks are refused, naming each layer, its kind and line', async () => {
  const analysis = analyze(`model M {\n  input(8, 8, 4)\n  lppool2d(2)\n  lrn()\n}`);
  await assert.rejects(produceExport(kerasFormat, analysis, analysis.models[0]), (e: Error) => {
    assert.ok(e instanceof ExportRefused);
    assert.match(e.message, /'lppool2d_1' \(lppool2d, line 3\)/);
    assert.match(e.message, /'lrn_1' \(lrn, line 4\)/);
    return true;
  });
});
