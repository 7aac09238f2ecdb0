// PyTorch weights back into Stride: the inverse of the export's weight mapping over every family it converts, the
// safetensors reader against the writer, and the errors for weights that do not belong to the model.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { analyze } from '../../core/analyze';
import { stateDict } from '../../core/export/pytorch-weights';
import { weightsFromStateDict } from '../../core/export/pytorch-weights-back';
import { decodeSafetensors, encodeSafetensors } from '../../core/export/safetensors';
import type { ModelWeights } from '../../core/export/weights';
import { tfName } from '../../train/model-builder';
import { exportWeights } from '../../train/node/export-weights';
import { lowered } from '../helpers/training';
import { useCpu } from '../train/helpers';
import { ROOT } from './ddp-harness';

/** Small models covering every family the mapping converts (the examples' sizes would only make the test slow). */
const MODELS: Record<string, string> = {
  convolutions: `model Conv {
  input(12, 12, 3)
  conv2d(4, 3, activation: relu)
  batchnorm()
  depthwise_conv2d(3, padding: same)
  separable_conv2d(5, 3)
  conv2d_transpose(2, 2, stride: 2)
  prelu()
  groupnorm(2)
  globalavgpool2d()
  dense(3, activation: softmax)
}`,
  recurrent: `model Rnn {
  input(6)
  embedding(50, 8)
  lstm(5, return_sequences: true, bidirectional: true)
  gru(4, return_sequences: true)
  simple_rnn(3)
  dense(2, activation: softmax)
}`,
  attention: `model Attn {
  input(6)
  embedding(40, 8)
  positional_embedding(6)
  multihead_attention(2, 4)
  layernorm()
  globalavgpool1d()
  dense(2, activation: softmax)
}`,
};
const name = (node: { name: string }) => tfName(node.name);

/** Distinct values everywhere, so a misplaced element cannot go unnoticed (initial zeros and ones would hide it). */
function labelled(weights: ModelWeights): ModelWeights {
  return weights.map((w, i) => ({ ...w, data: Float32Array.from(w.data, (_, k) => Math.fround(Math.sin(i * 7919 + k) * 3)) }));
}

describe('weights from a PyTorch state_dict', () => {
  before(useCpu);

  for (const [family, source] of [...Object.entries(MODELS), ['resnet8', fs.readFileSync(path.join(ROOT, 'examples', 'resnet8.stride'), 'utf8')]]) {
    test(`${family}: state_dict → Stride's weights gives back every weight exactly`, async () => {
      const analysis = analyze(source);
      assert.deepEqual(
        analysis.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
        [],
      );
      const model = analysis.models[0];
      const weights = labelled((await exportWeights(lowered(model), { seed: 1 })).weights);
      const state = new Map(stateDict(model, weights, name).map((t) => [t.key, t]));
      const back = weightsFromStateDict(model, weights, state, name);
      assert.equal(back.length, weights.length);
      back.forEach((w, i) => {
        assert.equal(w.name, weights[i].name);
        assert.deepEqual(w.shape, weights[i].shape);
        assert.deepEqual(w.data, weights[i].data, w.name);
      });
    });
  }

  test('a missing key or a wrong shape is an error naming the tensor', async () => {
    const model = analyze(fs.readFileSync(path.join(ROOT, 'examples', 'shapes.stride'), 'utf8')).models[0];
    const weights = (await exportWeights(lowered(model), { seed: 1 })).weights;
    const tensors = stateDict(model, weights, name);
    const state = new Map(tensors.map((t) => [t.key, t]));
    state.delete(tensors[0].key);
    assert.throws(() => weightsFromStateDict(model, weights, state, name), new RegExp(`have no '${tensors[0].key.replace('.', '\\.')}'`));
    state.set(tensors[0].key, { ...tensors[0], shape: [1, ...tensors[0].shape] });
    assert.throws(() => weightsFromStateDict(model, weights, state, name), /has shape \(1, /);
  });
});

describe('safetensors reader', () => {
  test('reads back what the writer wrote: keys, shapes, F32 and I64 data, metadata', () => {
    const bytes = encodeSafetensors(
      [
        { key: 'a.weight', shape: [2, 2], dtype: 'F32', data: Float32Array.from([1.5, -2, 0.25, 3e-8]) },
        { key: 'b.num_batches_tracked', shape: [], dtype: 'I64', data: BigInt64Array.from([7n]) },
      ],
      { classes: '["círculo","□"]' },
    );
    const { tensors, metadata } = decodeSafetensors(bytes);
    assert.deepEqual(metadata, { classes: '["círculo","□"]' });
    assert.deepEqual([...tensors.keys()], ['a.weight', 'b.num_batches_tracked']);
    assert.deepEqual(tensors.get('a.weight')!.data, Float32Array.from([1.5, -2, 0.25, 3e-8]));
    assert.deepEqual(tensors.get('a.weight')!.shape, [2, 2]);
    assert.deepEqual(tensors.get('b.num_batches_tracked')!.data, BigInt64Array.from([7n]));
  });

  test('refuses truncated files and dtypes it does not read', () => {
    assert.throws(() => decodeSafetensors(new Uint8Array(4)), /shorter than its 8-byte header length/);
    const header = Buffer.from(JSON.stringify({ x: { dtype: 'F16', shape: [1], data_offsets: [0, 2] } }));
    const file = Buffer.concat([Buffer.alloc(8), header, Buffer.alloc(2)]);
    file.writeBigUInt64LE(BigInt(header.length), 0);
    assert.throws(() => decodeSafetensors(new Uint8Array(file)), /'x' is F16; Stride reads F32 and I64 tensors/);
  });
});
