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
import { analyze } from '../../core/analyze';
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
const NOT_IMPORTED = new Set(['diagnostics', 'bert-mini', 'lstm-text', 'faster-rcnn-rpn']);
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

/** The imported model built by tfjs, with the weights folder loaded as predict loads it, run on a seeded input. */
function runImported(text: string, dir: string): { x: tf.Tensor; y: Float32Array } {
  const training = lowered(analyze(text).models[0]);
  const shape = training.nodes[training.inputs[0]].shape as number[];
  const x = tf.randomUniform([1, ...shape], -2, 2, 'float32', 3);
  const model = buildModel(training);
  try {
    loadWeightsInto(model, dir);
    return { x, y: tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync() as Float32Array) };
  } finally {
    model.dispose();
  }
}

describe('examples exported to ONNX and imported with their weights compute the same outputs', () => {
  before(() => selectBackend({ warn: () => undefined }));
  test('every example that imports is covered', () => assert.ok(examples.length >= 15, `${examples.length} examples`));
  for (const example of examples) {
    const skip = LARGE.has(example) && !ALL && 'a large network (hundreds of megabytes of weights): run with STRIDE_EXPORT_ALL=1';
    test(example, { skip }, async () => {
      const { model, text } = modelOf(fs.readFileSync(path.join(ROOT, 'examples', `${example}.stride`), 'utf8'));
      // Logits: a final softmax over many classes would hide errors in the weights.
      const { bytes, tfModel } = exportWithWeights(model, text, false, true);
      tfModel.dispose();
      const file = path.join(tmp, `${example}.onnx`);
      const dir = path.join(tmp, `${example}.weights`);
      fs.writeFileSync(file, bytes);
      const r = stride('import', file, '--name', 'Back', '--out', path.join(tmp, `${example}.stride`), '--weights-out', dir);
      assert.equal(r.status, 0, r.stderr);
      const { x, y } = runImported(fs.readFileSync(path.join(tmp, `${example}.stride`), 'utf8'), dir);
      const session = await ort.InferenceSession.create(file);
      const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', x.dataSync() as Float32Array, x.shape) });
      x.dispose();
      const want = out[session.outputNames[0]].data as Float32Array;
      assert.equal(y.length, want.length);
      let diff = 0;
      let scale = 0;
      want.forEach((v, i) => ((diff = Math.max(diff, Math.abs(v - y[i]))), (scale = Math.max(scale, Math.abs(v)))));
      assert.ok(diff <= 1e-4, `max abs diff ${diff} (largest output ${scale})`);
      assert.ok(scale > 1e-2, `outputs too small to tell anything (largest ${scale})`);
      fs.rmSync(file);
      fs.rmSync(dir, { recursive: true });
    });
  }
});
