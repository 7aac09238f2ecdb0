// The PyTorch engine against Stride's Node trainer on the same file for fine-tuning: `freeze:` (a frozen batch norm
// in inference mode), `unfreeze:` with two processes, and `lr_mult:` under a schedule.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { decodeSafetensors } from '../../core/export/safetensors';
import { modelSource, NO_TORCH, stride, tempDir, writeModel, type Record, trainLogged } from './ddp-harness';

function source(extra: string, norm: boolean, optimizer = 'sgd(lr: 0.05, momentum: 0.9, weight_decay: 0.001)'): string {
  return modelSource({ name: 'Net', norm, optimizer, count: 120, epochs: 3, batch: 16, validation: 0.25, extra });
}

const epochs = (log: readonly Record[]) => log.filter((r) => r.event === 'epoch') as unknown as { loss: number; valLoss: number; lr: number }[];

async function sameAsNode(file: string, dir: string, more: readonly string[] = []): Promise<void> {
  const node = epochs(await trainLogged(file, path.join(dir, 'node'), 'node'));
  const torch = epochs(await trainLogged(file, path.join(dir, 'torch'), 'torch', more));
  assert.equal(torch.length, node.length);
  node.forEach((n, i) => {
    assert.ok(Math.abs(torch[i].loss - n.loss) < 1e-4, `epoch ${i + 1}: loss ${torch[i].loss} vs ${n.loss}`);
    assert.ok(Math.abs(torch[i].valLoss - n.valLoss) < 1e-4, `epoch ${i + 1}: val_loss ${torch[i].valLoss} vs ${n.valLoss}`);
    assert.ok(Math.abs(torch[i].lr - n.lr) <= 1e-12, `epoch ${i + 1}: lr ${torch[i].lr} vs ${n.lr}`);
  });
}

const tensors = (file: string) => {
  const bytes = fs.readFileSync(file);
  return decodeSafetensors(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)).tensors;
};

describe('fine-tuning on PyTorch', { skip: NO_TORCH }, () => {
  test("freeze: keeps the frozen layers, batch-norm statistics included, bit-identical; losses are the Node run's", async () => {
    const dir = tempDir('stride-ddp-freeze-');
    const file = writeModel(dir, 'net', source('freeze: [conv2d_1, batchnorm_1]\n  lr_mult: layers(dense_1: 3)', true));
    await sameAsNode(file, dir);
    const project = path.join(dir, 'torch', 'torch');
    const [before, after] = [tensors(path.join(project, 'initial.safetensors')), tensors(path.join(project, 'weights.safetensors'))];
    const bytesOf = (m: typeof before, k: string) => Buffer.from(m.get(k)!.data.buffer);
    const frozen = [...before.keys()].filter((k) => /^(conv2d_1|batchnorm_1)\./.test(k) && !k.endsWith('num_batches_tracked'));
    assert.ok(frozen.length >= 6, `conv weight and bias, batch-norm weight, bias, mean and variance: ${frozen.join(', ')}`);
    for (const k of frozen) assert.ok(bytesOf(after, k).equals(bytesOf(before, k)), `${k} is unchanged`);
    const trained = [...before.keys()].filter((k) => k.startsWith('dense_1.'));
    assert.ok(trained.length > 0 && trained.every((k) => !bytesOf(after, k).equals(bytesOf(before, k))), 'the rest trains');
  });

  test("unfreeze: with two processes and lr_mult: under a schedule give each epoch the Node run's loss and rate", async () => {
    const dir = tempDir('stride-ddp-unfreeze-');
    const extra = 'freeze: [conv2d_1]\n  unfreeze: 1\n  lr_mult: layers(conv2d_2: 0.5)\n  schedule: step(every: 1, gamma: 0.5)';
    await sameAsNode(writeModel(dir, 'net', source(extra, false)), dir, ['--nproc', '2']);
  });

  test("adam with unfreeze: the unfrozen layer's first steps are the Node run's (Adam counts the run's steps)", async () => {
    const dir = tempDir('stride-ddp-adam-unfreeze-');
    await sameAsNode(writeModel(dir, 'net', source('freeze: [conv2d_1]\n  unfreeze: 1', false, 'adam(lr: 0.003)')), dir);
  });

  test('adam with lr_mult: matches PyTorch parameter groups epoch by epoch', async () => {
    const dir = tempDir('stride-ddp-lrmult-');
    await sameAsNode(writeModel(dir, 'net', source('lr_mult: layers(conv2d_1: 0.1, dense_1: 2)', false, 'adam(lr: 0.003)')), dir);
  });
});
