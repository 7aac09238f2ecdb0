// Every example that comes back from ONNX comes back with its weights: exported with seeded weights (biases and
// normalisation statistics moved off their neutral values), imported by `stride import --weights-out`, Stride's tfjs
// model with the imported weights computes what onnxruntime computes on the exported file.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { onnx } from 'onnx-proto';
import { analyze } from '../../core/analyze';
import { ImportError, importOnnxModel } from '../../import/index';
import { buildModel } from '../../train/model-builder';
import { selectBackend } from '../../train/node/backends/select';
import { loadWeightsInto } from '../../train/node/weights';
import { exportWithWeights, modelOf, ort } from '../export/onnx-helpers';
import { lowered } from '../helpers/training';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BIN = path.join(ROOT, 'bin', 'stride.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-roundtrip-weights-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Examples that do not come back from ONNX at all (roundtrip.test.ts checks why). */
const NOT_IMPORTED = new Set(['diagnostics']);
/** Hundreds of megabytes of weights each: written, read and run only with STRIDE_EXPORT_ALL=1, as the export tests do. */
const LARGE = new Set(['alexnet', 'vgg16', 'unet']);
const ALL = process.env.STRIDE_EXPORT_ALL === '1';

const examples = fs
  .readdirSync(path.join(ROOT, 'examples'))
  .filter((f) => f.endsWith('.stride'))
  .map((f) => f.replace(/\.stride$/, ''))
  .filter((e) => !NOT_IMPORTED.has(e))
  .sort();

function stride(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The imported model built by tfjs, with the weights folder loaded as predict loads it, run on a seeded input: every output, in order. */
function runImported(text: string, dir: string): { x: tf.Tensor; ys: Float32Array[] } {
  const training = lowered(analyze(text).models[0]);
  const shape = training.nodes[training.inputs[0]].shape as number[];
  // Token ids for a model that starts with an embedding: whole numbers below its vocabulary, as floats.
  const vocab = Number(/^ {2}embedding\((\d+),/m.exec(text)?.[1] ?? 0);
  const x = vocab > 0 ? tf.tidy(() => tf.floor(tf.randomUniform([1, ...shape], 0, vocab, 'float32', 3))) : tf.randomUniform([1, ...shape], -2, 2, 'float32', 3);
  const model = buildModel(training);
  try {
    loadWeightsInto(model, dir);
    return { x, ys: tf.tidy(() => [model.predict(x)].flat().map((y) => y.dataSync() as Float32Array)) };
  } finally {
    model.dispose();
  }
}

/** Each of onnxruntime's outputs equals the imported model's output at the same position (the file's output order). */
function assertOutputsEqual(got: readonly Float32Array[], want: readonly Float32Array[]): void {
  assert.equal(got.length, want.length, 'number of outputs');
  want.forEach((w, k) => {
    const y = got[k];
    assert.equal(y.length, w.length, `output ${k}: number of values`);
    let diff = 0;
    let scale = 0;
    w.forEach((v, i) => ((diff = Math.max(diff, Math.abs(v - y[i]))), (scale = Math.max(scale, Math.abs(v)))));
    assert.ok(diff <= 1e-4, `output ${k}: max abs diff ${diff} (largest output ${scale})`);
    assert.ok(scale > 1e-2, `output ${k}: outputs too small to tell anything (largest ${scale})`);
  });
}

/** Exports `source` with seeded weights, imports it with --weights-out and compares the two models' outputs. */
async function roundTrip(name: string, source: string): Promise<void> {
  const { model, text } = modelOf(source);
  // Logits: a final softmax over many classes would hide errors in the weights.
  const { bytes, tfModel } = exportWithWeights(model, text, false, true);
  tfModel.dispose();
  const file = path.join(tmp, `${name}.onnx`);
  const dir = path.join(tmp, `${name}.weights`);
  fs.writeFileSync(file, bytes);
  const r = stride('import', file, '--name', 'Back', '--out', path.join(tmp, `${name}.stride`), '--weights-out', dir);
  assert.equal(r.status, 0, r.stderr);
  const { x, ys } = runImported(fs.readFileSync(path.join(tmp, `${name}.stride`), 'utf8'), dir);
  const session = await ort.InferenceSession.create(file);
  const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', x.dataSync() as Float32Array, x.shape) });
  x.dispose();
  assertOutputsEqual(
    ys,
    session.outputNames.map((o) => out[o].data as Float32Array),
  );
  fs.rmSync(file);
  fs.rmSync(dir, { recursive: true });
}

describe('examples exported to ONNX and imported with their weights compute the same outputs', () => {
  before(() => selectBackend({ warn: () => undefined }));
  test('every example that imports is covered', () => assert.ok(examples.length >= 15, `${examples.length} examples`));
  for (const example of examples) {
    const skip = LARGE.has(example) && !ALL && 'a large network (hundreds of megabytes of weights): run with STRIDE_EXPORT_ALL=1';
    test(example, { skip }, () => roundTrip(example, fs.readFileSync(path.join(ROOT, 'examples', `${example}.stride`), 'utf8')));
  }
});

const LAYER_NORMS = `model Norms {
  input(6, 6, 3)
  conv2d(4, 3, padding: same)
  layernorm(center: false)
  conv2d(5, 1)
  layernorm(scale: false)
  conv2d(4, 1)
  layernorm(center: false, scale: false)
  scale()
  flatten()
  dense(3)
}
`;

describe('layer normalisation and per-channel factors', () => {
  before(() => selectBackend({ warn: () => undefined }));
  test('without centre, without scale, without both, and scale(): the same outputs', () => roundTrip('norms', LAYER_NORMS));

  /** The exported Norms with its first layernorm's scale moved from the weights into a Constant node of `value`. */
  function constantScale(value: number): Uint8Array {
    const { model, text } = modelOf(LAYER_NORMS);
    const { bytes, tfModel } = exportWithWeights(model, text, false, true);
    tfModel.dispose();
    const decoded = onnx.ModelProto.decode(bytes);
    const g = decoded.graph as onnx.GraphProto;
    const norm = g.node.find((n) => n.opType === 'LayerNormalization') as onnx.NodeProto;
    const at = g.initializer.findIndex((t) => t.name === norm.input[1]);
    const [t] = g.initializer.splice(at, 1);
    const count = (t.dims ?? []).reduce((a: number, d) => a * Number(d), 1);
    const values = onnx.TensorProto.create({ dims: t.dims, dataType: t.dataType, floatData: Array(count).fill(value) });
    g.node.unshift(
      onnx.NodeProto.create({ opType: 'Constant', name: 'fixed', output: [t.name as string], attribute: [{ name: 'value', type: 4, t: values }] }),
    );
    return onnx.ModelProto.encode(decoded).finish();
  }

  test('a layer normalisation whose scale is a constant 1 is imported without scale; any other constant is refused', () => {
    const ones = importOnnxModel(constantScale(1), 'ones.onnx', 'Ones');
    assert.match(ones.text, /layernorm\(epsilon: [\d.]+, center: false, scale: false\)/);
    // Conv, dense, the other layernorms and the scale keep theirs: six layers with weights, this one none.
    assert.equal(ones.weights?.length, 6);
    assert.throws(
      () => importOnnxModel(constantScale(2), 'twos.onnx', 'Twos'),
      (e: Error) => e instanceof ImportError && /^LayerNormalization node '[^']+': its scale is a constant other than 1/.test(e.message),
    );
  });
});
