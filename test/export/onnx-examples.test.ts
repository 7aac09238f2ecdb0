// Every example Stride can build, exported to ONNX and run in onnxruntime: the same outputs as the tfjs model, the
// model's parameter count in the initializers, and a file the onnx checker accepts.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { analyze } from '../../core/analyze';
import { selectBackend } from '../../train/node/backends/select';
import { checkFilesLater, compare, exportWithWeights, hasOnnxChecker, initializerCount, ort, saved } from './onnx-helpers';

const EXAMPLES = path.resolve(__dirname, '..', '..', '..', 'examples');

/** Models past this many multiply-adds per sample run at batch 1 only; the rest at batch 1 and 3. */
const LARGE_MACS = 1e9;

function examples(): { file: string; source: string; errors: string }[] {
  return fs
    .readdirSync(EXAMPLES)
    .filter((f) => f.endsWith('.stride'))
    .sort()
    .map((file) => {
      const source = fs.readFileSync(path.join(EXAMPLES, file), 'utf8');
      const errors = analyze(source).diagnostics.filter((d) => d.severity === 'error');
      return { file, source, errors: errors.length > 0 ? `${file} has errors on purpose (${errors.length}); Stride cannot build it` : '' };
    });
}

/** Python's checks, one file after another in the background; each file is removed once checked. */
let checks: Promise<string[]> = Promise.resolve([]);

function checkLater(name: string, bytes: Uint8Array, params: number): void {
  const file = saved(`example-${name}`, bytes);
  checks = checks.then(async (failures) => {
    const result = await checkFilesLater([file]);
    fs.rmSync(file);
    const count = result.params[0] === params ? [] : [`${name}: python reads ${result.params[0]} parameters, the model has ${params}`];
    return [...failures, ...result.failures, ...count];
  });
}

describe('ONNX export of every example equals tfjs in onnxruntime', () => {
  // The training backend (Stride's wasm kernels when they load): the cpu reference kernels take minutes on the 224×224 nets.
  before(() => selectBackend({ warn: () => undefined }));
  for (const { file, source, errors } of examples()) {
    test(file, { skip: errors || false }, async () => {
      const analysis = analyze(source);
      for (const model of analysis.models) {
        // Logits on both sides: 1000 softmax probabilities of ~0.001 each would hide errors in the logits.
        const { bytes, tfModel } = exportWithWeights(model, analysis.text, false, true);
        assert.equal(initializerCount(bytes), model.totals.params, `${model.graph.name}: initializers hold the trainable + non-trainable parameters`);
        if (hasOnnxChecker) checkLater(model.graph.name, bytes, model.totals.params);
        const session = await ort.InferenceSession.create(bytes);
        const batches = model.totals.macs > LARGE_MACS ? [1] : [1, 3];
        const { diff, scale } = await compare(model, tfModel, session, batches);
        tfModel.dispose();
        assert.ok(diff <= 1e-4, `${model.graph.name}: max abs diff ${diff} (largest output ${scale})`);
        assert.ok(scale > 1e-2, `${model.graph.name}: outputs too small to tell anything (largest ${scale})`);
      }
    });
  }
});

describe('ONNX example files pass the onnx checker', () => {
  test('onnx.checker.check_model(full_check=True) accepts every example file', { skip: !hasOnnxChecker && 'python3-onnx is not installed' }, async () => {
    assert.deepEqual(await checks, []);
  });
});
