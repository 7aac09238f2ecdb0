// Sequence models exported by Stride come back from ONNX as the layers they were, with their weights: recurrent layers
// in every direction and form (bidirectional LSTM returning sequences, GRU with and without reset_after, a simple RNN
// without bias), embeddings, learned positions and attention; tfjs with the imported weights and the re-exported file
// compute what onnxruntime computes on the original.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { onnx } from 'onnx-proto';
import { analyze } from '../../core/analyze';
import { ImportError, importFile, importOnnxModel } from '../../import/index';
import { selectBackend } from '../../train/node/backends/select';
import { exportWithWeights, initializerCount, modelOf, ort } from '../export/onnx-helpers';
import { NO_TORCH } from '../export/torch-harness';
import { maxDiff, runStride, stride, torchExports } from './compare-harness';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-import-sequence-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const RECURRENT = [
  'input(12, 5)',
  'lstm(8, return_sequences: true, bidirectional: true)',
  'gru(6, return_sequences: true)',
  'gru(4, return_sequences: true, bidirectional: true, reset_after: false)',
  'simple_rnn(5, activation: relu, bias: false)',
  'dense(3)',
];

const ATTENTION = [
  'input(10)',
  'embedding(40, 16)',
  'positional_embedding(12)',
  'multihead_attention(2, 8, value_dim: 4)',
  'layernorm(epsilon: 0.001)',
  'multihead_attention(4, 4, bias: false)',
  'lstm(6)',
  'dense(3)',
];

const textOf = (name: string, body: readonly string[]) => `model ${name} {\n${body.map((l) => `  ${l}\n`).join('')}}\n`;

/** Runs `file` in onnxruntime on `x`, the model's own (batch-first, channels-last) input; as int64 ids when `ids`. */
async function runOrt(file: string, x: tf.Tensor, ids = false): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(file);
  const values = x.dataSync() as Float32Array;
  const feed = ids
    ? new ort.Tensor(
        'int64',
        BigInt64Array.from(values, (v) => BigInt(v)),
        x.shape,
      )
    : new ort.Tensor('float32', values, x.shape);
  const out = await session.run({ [session.inputNames[0]]: feed });
  return out[session.outputNames[0]].data as Float32Array;
}

/** Exports `body` with seeded weights, imports it with its weights, and returns the import's layer lines and outputs. */
async function roundTrip(name: string, body: readonly string[], x: tf.Tensor): Promise<{ calls: string[]; tfjs: number; again: number; scale: number }> {
  const { model, text } = modelOf(textOf(name, body));
  const { bytes, tfModel } = exportWithWeights(model, text, false, true);
  tfModel.dispose();
  const file = path.join(tmp, `${name}.onnx`);
  fs.writeFileSync(file, bytes);
  const [source, dir, again] = [`${name}.stride`, `${name}.weights`, `${name}-again.onnx`].map((f) => path.join(tmp, f));
  const r = stride('import', file, '--name', 'Back', '--out', source, '--weights-out', dir);
  assert.equal(r.status, 0, r.stderr);
  const imported = fs.readFileSync(source, 'utf8');
  assert.deepEqual(analyze(imported).diagnostics, []);
  assert.deepEqual(analyze(imported).models[0].totals, model.totals);
  const e = stride('export', source, '--format', 'onnx', '--weights', dir, '--out', again);
  assert.equal(e.status, 0, e.stderr);
  const want = await runOrt(file, x);
  const tfjs = maxDiff(runStride(imported, dir, x as tf.Tensor4D), want);
  const reexported = maxDiff(await runOrt(again, x), want);
  const calls = [...imported.matchAll(/^ {2}(\w+\(.*?\))(?: {2}#.*)?$/gm)].map((m) => m[1]);
  return { calls, tfjs: tfjs.diff, again: reexported.diff, scale: tfjs.scale };
}

describe('sequence models through ONNX and back', () => {
  before(() => selectBackend({ warn: () => undefined }));

  test('LSTM, GRU (reset after and before) and simple RNN, one and two directions: the same layers and outputs', async () => {
    const x = tf.randomUniform([2, 12, 5], -1, 1, 'float32', 5);
    const r = await roundTrip('Recurrent', RECURRENT, x);
    assert.deepEqual(r.calls, RECURRENT);
    assert.ok(r.tfjs <= 1e-4 && r.again <= 1e-4, `max abs diff: tfjs ${r.tfjs}, re-exported ${r.again}`);
    assert.ok(r.scale > 1e-2, `outputs too small to tell anything (largest ${r.scale})`);
    x.dispose();
  });

  test('embedding, learned positions, attention with its own value size and without bias: the same layers and outputs', async () => {
    const ids = tf.tidy(() => tf.floor(tf.randomUniform([2, 10], 0, 40, 'float32', 9)));
    const r = await roundTrip('Attention', ATTENTION, ids);
    assert.deepEqual(r.calls, ATTENTION);
    assert.ok(r.tfjs <= 1e-4 && r.again <= 1e-4, `max abs diff: tfjs ${r.tfjs}, re-exported ${r.again}`);
    assert.ok(r.scale > 1e-2, `outputs too small to tell anything (largest ${r.scale})`);
    ids.dispose();
  });

  test('a recurrent layer in a form Stride does not export is refused, naming the node and why', () => {
    const { model, text } = modelOf(textOf('Reverse', ['input(6, 3)', 'lstm(4)', 'dense(2)']));
    const { bytes, tfModel } = exportWithWeights(model, text, false, true);
    tfModel.dispose();
    const decoded = onnx.ModelProto.decode(bytes);
    const lstm = decoded.graph?.node?.find((n) => n.opType === 'LSTM') as onnx.NodeProto;
    const direction = lstm.attribute.find((a) => a.name === 'direction') as onnx.AttributeProto;
    direction.s = Buffer.from('reverse');
    assert.throws(
      () => importOnnxModel(onnx.ModelProto.encode(decoded).finish(), 'reverse.onnx', 'Reverse'),
      (e: Error) => e instanceof ImportError && /^LSTM node '[^']+': a layer that runs backwards only is not imported/.test(e.message),
    );
  });
});

const TORCH_PY = `
import sys, torch
nn = torch.nn
class Text(nn.Module):
    # Embedding, a bidirectional LSTM returning every step, then one direction's last step: y[:, -1].
    def __init__(s):
        super().__init__()
        s.emb, s.bi = nn.Embedding(50, 8), nn.LSTM(8, 6, batch_first=True, bidirectional=True)
        s.uni, s.fc = nn.LSTM(12, 5, batch_first=True), nn.Linear(5, 3)
    def forward(s, ids):
        y, _ = s.bi(s.emb(ids))
        y, _ = s.uni(y)
        return s.fc(y[:, -1])
class Gru(nn.Module):
    # A bidirectional GRU returning every step into a GRU whose last state is read: h[-1].
    def __init__(s):
        super().__init__()
        s.bi, s.uni, s.fc = nn.GRU(4, 5, batch_first=True, bidirectional=True), nn.GRU(10, 6, batch_first=True), nn.Linear(6, 3)
    def forward(s, x):
        y, _ = s.bi(x)
        _, h = s.uni(y)
        return s.fc(h[-1])
for job in sys.argv[1:]:
    name, out, _, steps = job.split(',')
    torch.manual_seed(0)
    x = torch.randint(0, 50, (1, int(steps))) if name == 'text' else torch.randn(1, int(steps), 4)
    torch.onnx.export((Text if name == 'text' else Gru)().eval(), x, out, opset_version=13)
`;
const torchFile = torchExports(
  TORCH_PY,
  [
    ['text', 'torch', 10],
    ['gru', 'torch', 7],
  ],
  (net) => path.join(tmp, `torch-${net}.onnx`),
);

/** Imports a PyTorch file with its weights; tfjs and the re-exported file against onnxruntime on the original. */
async function torchRoundTrip(net: string, x: tf.Tensor, ids: boolean): Promise<{ text: string; params: number; diffs: number[] }> {
  const file = torchFile(net, 'torch');
  const [source, dir, again] = ['stride', 'weights', 'again.onnx'].map((ext) => file.replace(/onnx$/, ext));
  const r = stride('import', file, '--name', 'Net', '--out', source, '--weights-out', dir);
  assert.equal(r.status, 0, r.stderr);
  const text = fs.readFileSync(source, 'utf8');
  assert.deepEqual(analyze(text).diagnostics, []);
  assert.equal(stride('export', source, '--format', 'onnx', '--weights', dir, '--out', again).status, 0);
  const want = await runOrt(file, x, ids);
  const inTfjs = maxDiff(runStride(text, dir, x as tf.Tensor4D), want);
  assert.ok(inTfjs.scale > 1e-2, `outputs too small to tell anything (largest ${inTfjs.scale})`);
  const diffs = [inTfjs.diff, maxDiff(await runOrt(again, x), want).diff];
  return { text, params: initializerCount(fs.readFileSync(file)) - analyze(text).models[0].totals.params, diffs };
}

test('a bidirectional layer merged by a sum is refused at the node: only concatenated directions are imported', () => {
  const { model, text } = modelOf(textOf('Sum', ['input(6, 3)', 'lstm(4, bidirectional: true, merge_mode: sum)', 'dense(2)']));
  const { bytes, tfModel } = exportWithWeights(model, text, false, true);
  tfModel.dispose();
  assert.throws(
    () => importOnnxModel(bytes, 'sum.onnx', 'Sum'),
    (e: Error) => e instanceof ImportError && /^LSTM node 'lstm_1:LSTM0': .*with the directions concatenated/.test(e.message),
  );
});

test("the block calls of Stride's own export come back as one block called × N, with the same totals", () => {
  const source = 'block enc(dim) {\n  x = in\n  multihead_attention(2, 4)\n  add(x) -> layernorm()\n  dense(dim, activation: relu)\n}\n\n';
  const { model, text } = modelOf(source + textOf('Enc', ['input(6)', 'embedding(20, 8)', 'enc(8) × 3', 'globalavgpool1d()', 'dense(2)']));
  const { bytes, tfModel } = exportWithWeights(model, text, false, true);
  tfModel.dispose();
  const back = importFile(bytes, 'enc.onnx', 'Enc');
  assert.match(back, /^block (\w+)\(\) \{\n {2}multihead_attention\(2, 4\)\n {2}add\(in\)\n[^}]*\}\n/m);
  assert.match(back, /^ {2}\w+\(\) × 3 {2}# enc_1, enc_2, enc_3$/m);
  const totals = analyze(back).models[0].totals;
  assert.deepEqual([totals.params, totals.trainable, totals.macs], [model.totals.params, model.totals.trainable, model.totals.macs]);
});

describe('PyTorch recurrent models (torch.onnx.export of nn.Embedding, nn.LSTM, nn.GRU)', { skip: NO_TORCH }, () => {
  before(() => selectBackend({ warn: () => undefined }));

  test('embedding and stacked LSTMs: the layers, the outputs, and the second bias PyTorch keeps summed into one', async () => {
    const ids = tf.tidy(() => tf.floor(tf.randomUniform([1, 10], 0, 50, 'float32', 4)));
    const r = await torchRoundTrip('text', ids, true);
    assert.match(r.text, /input\(10\)\n.*embedding\(50, 8\).*\n.*lstm\(6, return_sequences: true, bidirectional: true\).*\n.*lstm\(5\).*\n.*dense\(3\)/);
    // PyTorch's LSTM holds a recurrent bias besides the input bias (4·units per direction); Keras's, one.
    assert.equal(r.params, 4 * 6 * 2 + 4 * 5);
    assert.ok(
      r.diffs.every((d) => d <= 1e-4),
      `max abs diff: tfjs ${r.diffs[0]}, re-exported ${r.diffs[1]}`,
    );
    ids.dispose();
  });

  test('stacked GRUs left time first between them, the last state read as h[-1]: the same count and outputs', async () => {
    const x = tf.randomUniform([1, 7, 4], -1, 1, 'float32', 6);
    const r = await torchRoundTrip('gru', x, false);
    assert.match(r.text, /input\(7, 4\)\n.*gru\(5, return_sequences: true, bidirectional: true\).*\n.*gru\(6\).*\n.*dense\(3\)/);
    assert.equal(r.params, 0);
    assert.ok(
      r.diffs.every((d) => d <= 1e-4),
      `max abs diff: tfjs ${r.diffs[0]}, re-exported ${r.diffs[1]}`,
    );
    x.dispose();
  });
});
