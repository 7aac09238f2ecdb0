// PyTorch export with weights and logits: the safetensors format byte by byte, trained weights from `stride train`
// through `stride export --weights` into real PyTorch, `--logits`, refusals that name layer, kind, line and reason.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { analyze } from '../../core/analyze';
import { exportPyTorch } from '../../core/export/pytorch';
import { encodeSafetensors } from '../../core/export/safetensors';
import { defaultRegistry } from '../../core/model/layers';
import { ExportRefused, formatNamed } from '../../export/formats';
import { produceExport } from '../../export/run';
import { exportWeights } from '../../train/node/export-weights';
import { lowered } from '../helpers/training';
import { useCpu } from '../train/helpers';
import { checkInTorch, modelOf, NO_TORCH } from './torch-harness';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BIN = path.join(ROOT, 'bin', 'stride.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-export-weights-'));
const pytorch = formatNamed('pytorch')!;

const stride = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

test('safetensors: little-endian header length, an 8-byte aligned JSON header, then the tensors back to back', () => {
  const bytes = encodeSafetensors(
    [
      { key: 'a.weight', shape: [2, 1], dtype: 'F32', data: Float32Array.from([1.5, -2]) },
      { key: 'b.num_batches_tracked', shape: [], dtype: 'I64', data: BigInt64Array.from([7n]) },
    ],
    { format: 'pt' },
  );
  const buf = Buffer.from(bytes);
  const size = Number(buf.readBigUInt64LE(0));
  assert.equal(size % 8, 0);
  const header = JSON.parse(buf.subarray(8, 8 + size).toString('utf8'));
  assert.deepEqual(header, {
    __metadata__: { format: 'pt' },
    'a.weight': { dtype: 'F32', shape: [2, 1], data_offsets: [0, 8] },
    'b.num_batches_tracked': { dtype: 'I64', shape: [], data_offsets: [8, 16] },
  });
  const body = buf.subarray(8 + size);
  assert.equal(body.length, 16);
  assert.deepEqual([body.readFloatLE(0), body.readFloatLE(4), body.readBigInt64LE(8)], [1.5, -2, 7n]);
});

describe('trained weights in real PyTorch', () => {
  before(useCpu);
  test(
    '`stride train` then `stride export --weights` write M.py and M.safetensors that load strictly and compute what tfjs computes',
    { skip: NO_TORCH },
    async () => {
      const source = fs.readFileSync(path.join(ROOT, 'examples', 'shapes.stride'), 'utf8');
      const file = path.join(dir, 'shapes.stride');
      fs.writeFileSync(file, source);
      const train = stride('train', file, '--epochs', '1', '--limit', '256');
      assert.equal(train.status, 0, train.stderr);
      const run = path.join(dir, 'shapes.runs', 'ShapesNet');
      const out = path.join(dir, 'export', 'shapes_net.py');
      const r = stride('export', file, '--weights', run, '--out', out);
      assert.equal(r.status, 0, r.stderr);
      const safetensors = path.join(dir, 'export', 'shapes_net.safetensors');
      assert.match(r.stderr, /wrote .*shapes_net\.py\n/);
      assert.match(r.stderr, /wrote .*shapes_net\.safetensors\n/);
      assert.match(r.stderr, /note: weights from .*: 8 tensors/);

      const model = modelOf(source);
      const trained = await exportWeights(lowered(model), { weightsDir: run });
      const initial = await exportWeights(lowered(model), { seed: 1 });
      // Training moved the weights: the file carries trained values, not the seeded start.
      assert.ok(trained.weights.some((w, i) => w.data.some((v, j) => Math.abs(v - initial.weights[i].data[j]) > 1e-3)));
      await useCpu();
      const check = checkInTorch(model, { weights: trained.weights, files: { code: out, weights: safetensors } });
      assert.ok(typeof check !== 'string', String(check));
      assert.ok(check.diff <= 1e-4, `max abs diff: ${check.diff}`);
      assert.equal(check.keys, 8);
      assert.equal(check.checked, model.layers.length);
      assert.equal(check.metadata.model, 'ShapesNet');
      assert.equal(check.metadata.weights, trained.from);
    },
  );
});

describe('--logits', () => {
  before(useCpu);
  const dense = `model D {
    input(6, 5, 3)
    conv2d(4, 3)
    flatten()
    dense(5, activation: softmax)
  }`;
  const layer = `model L {
    input(8)
    dense(3)
    sigmoid()
  }`;
  test('the code says which final activation it left out; without --logits it keeps it', () => {
    const model = modelOf(dense);
    const kept = exportPyTorch(model);
    assert.match(kept.code, /F\.softmax\(self\.dense_1\(flatten_1\), dim=-1\)/);
    assert.deepEqual(kept.notes, []);
    const logits = exportPyTorch(model, { logits: true });
    assert.doesNotMatch(logits.code, /softmax\(/);
    assert.match(logits.code, /# logits: the softmax activation of the final layer 'dense_1' is left out/);
    assert.deepEqual(logits.notes, ["logits: the softmax activation of the final layer 'dense_1' is left out; the model returns logits."]);
  });
  for (const [name, source] of Object.entries({ 'a dense layer’s softmax': dense, 'a sigmoid layer': layer })) {
    test(`${name}: PyTorch returns logits whose squash equals tfjs's output`, { skip: NO_TORCH }, () => {
      const check = checkInTorch(modelOf(source), { logits: true });
      assert.ok(typeof check !== 'string', String(check));
      assert.ok(check.diff <= 1e-4, `after the squash: ${check.diff}`);
      assert.ok((check.raw_diff ?? 0) > 1e-2, `the raw output should be logits, not probabilities: ${check.raw_diff}`);
    });
  }
  test('the CLI passes --logits and prints the note', () => {
    const file = path.join(dir, 'logits.stride');
    fs.writeFileSync(file, layer);
    const r = stride('export', file, '--logits');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /sigmoid_1 = dense_1  # \(N, 3\)/);
    assert.match(r.stderr, /note: logits: the final sigmoid layer 'sigmoid_1' is left out/);
  });
});

test('refusals name each layer, its kind, its line and the reason', async () => {
  const analysis = analyze(`model R {
    input(5, 4)
    gru(3, return_sequences: true, reset_after: false)
    lstm(2, activation: relu, return_sequences: true)
    batchnorm(axis: 1)
  }`);
  const model = analysis.models[0];
  await assert.rejects(produceExport(pytorch, analysis, model), (e: unknown) => {
    assert.ok(e instanceof ExportRefused);
    assert.match(e.message, /gru_1 \(gru, line 3\): reset_after: false; PyTorch's GRU is the reset_after form only/);
    assert.match(e.message, /lstm_1 \(lstm, line 4\): activation relu; PyTorch's LSTM computes its state with tanh/);
    assert.match(e.message, /batchnorm_1 \(batchnorm, line 5\): normalises axis 1; PyTorch's BatchNorm normalises the channel axis/);
    return true;
  });
});

test("the pytorch format's support table: every kind translates, argument limits are noted", () => {
  const refused = defaultRegistry
    .all()
    .map((d) => d.kind)
    .filter((k) => pytorch.support(k).status === 'refused');
  assert.deepEqual(refused, []);
  assert.match(pytorch.support('gru').note ?? '', /reset_after: true/);
  assert.equal(pytorch.support('conv3d').status, 'exact');
  assert.equal(pytorch.support('multihead_attention').status, 'note');
  assert.equal(pytorch.support('no_such_kind').status, 'refused');
});

describe('layers on no path to an output', () => {
  before(useCpu);
  const source = `model B {
    input(10, 10, 1)
    trunk = conv2d(8, 3)
    side = trunk -> conv2d(4, 1)
    trunk -> globalavgpool2d()
  }`;
  test('are left out of the module, as training leaves them out, so trained weights load strictly', { skip: NO_TORCH }, () => {
    const model = modelOf(source);
    assert.doesNotMatch(exportPyTorch(model).code, /side/);
    const check = checkInTorch(model);
    assert.ok(typeof check !== 'string', String(check));
    assert.ok(check.diff <= 1e-4, `max abs diff: ${check.diff}`);
    assert.equal(check.keys, 2);
  });
});
