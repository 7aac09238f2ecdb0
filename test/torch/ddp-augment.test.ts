// train.py's augmentation against Stride's own (train/augment.ts) on the same images, seed, epochs and sample
// indices: every augmentation's pixels equal; and a run with augmentation and normalisation epoch by epoch.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { augmentBatch } from '../../train/augment';
import { modelSource, NO_TORCH, packedSamples, PYTHON, readLog, stride, tempDir, writeModel, type Record } from './ddp-harness';

const AUGMENT =
  'augment: [flip(p: 0.5), crop(pad: 3), rotate(degrees: 25), translate(pixels: 2), brightness(amount: 0.3), contrast(amount: 0.4), cutout(size: 6)]';

function source(extra: string): string {
  return modelSource({ name: 'Net', norm: false, optimizer: 'sgd(lr: 0.05, momentum: 0.9)', count: 120, epochs: 3, batch: 16, validation: 0.25, extra });
}

/** train.py's augment_batch on `input` (N images, channels-last float32) for the given sample indices and epoch. */
function pythonAugment(project: string, input: Float32Array, indices: number[], epoch: number): Float32Array {
  const dir = tempDir('stride-ddp-augment-io-');
  const [inFile, outFile] = [path.join(dir, 'in.f32'), path.join(dir, 'out.f32')];
  fs.writeFileSync(inFile, input);
  const script = `
import json, sys, numpy as np, torch
sys.path.insert(0, ${JSON.stringify(project)})
import train
config = json.load(open(${JSON.stringify(path.join(project, 'stride.json'))}))
h, w, c = config["data"]["shape"]
x = torch.from_numpy(np.fromfile(${JSON.stringify(inFile)}, dtype=np.float32).reshape(-1, h, w, c).transpose(0, 3, 1, 2).copy())
out = train.augment_batch(x, ${JSON.stringify(indices)}, config["settings"]["augment"], config["settings"]["seed"], ${epoch})
np.ascontiguousarray(out.numpy().transpose(0, 2, 3, 1)).astype(np.float32).tofile(${JSON.stringify(outFile)})
`;
  const r = spawnSync(PYTHON, ['-c', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const bytes = fs.readFileSync(outFile);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

describe('augment: on PyTorch', { skip: NO_TORCH }, () => {
  test("train.py augments each sample to Stride's pixels, every augmentation, in two epochs", async () => {
    const dir = tempDir('stride-ddp-augment-');
    const file = writeModel(dir, 'net', source(AUGMENT));
    const project = path.join(dir, 'project');
    const r = await stride(['export', file, '--format', 'torch-ddp', '--out', project]);
    assert.equal(r.status, 0, r.stderr);
    const config = JSON.parse(fs.readFileSync(path.join(project, 'stride.json'), 'utf8')) as { settings: { augment: { kind: string; amount: number }[] } };
    const steps = config.settings.augment as Parameters<typeof augmentBatch>[3];
    assert.equal(steps.length, 7);
    const { data } = packedSamples(project, 24);
    const indices = Array.from({ length: 24 }, (_, i) => 5 * i + 1);
    for (const epoch of [1, 2]) {
      const stride = data.slice();
      augmentBatch(stride, [16, 16, 1], indices, steps, 3, epoch);
      assert.ok(
        stride.some((v, i) => v !== data[i]),
        'the images changed',
      );
      const torch = pythonAugment(project, data, indices, epoch);
      assert.equal(torch.length, stride.length);
      let worst = 0;
      stride.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - torch[i]))));
      assert.ok(worst <= 1e-6, `epoch ${epoch}: largest pixel difference ${worst}`);
    }
  });

  test("augment: and normalize: together give each epoch the Node run's losses (two processes)", async () => {
    const dir = tempDir('stride-ddp-augment-run-');
    const file = writeModel(dir, 'net', source(`normalize: auto\n  ${AUGMENT}`));
    const run = async (engine: string, more: string[]) => {
      const r = await stride(['train', file, '--out', path.join(dir, engine), ...more]);
      assert.equal(r.status, 0, r.stderr);
      return readLog(path.join(dir, engine, 'metrics.jsonl')).filter((e: Record) => e.event === 'epoch');
    };
    const node = await run('node', []);
    const torch = await run('torch', ['--engine', 'torch', '--python', PYTHON, '--nproc', '2']);
    assert.equal(torch.length, node.length);
    node.forEach((n, i) => {
      assert.ok(Math.abs((torch[i].loss as number) - (n.loss as number)) < 1e-4, `epoch ${i + 1}: loss ${torch[i].loss} vs ${n.loss}`);
      assert.ok(Math.abs((torch[i].valLoss as number) - (n.valLoss as number)) < 1e-4, `epoch ${i + 1}: val ${torch[i].valLoss} vs ${n.valLoss}`);
    });
  });
});
