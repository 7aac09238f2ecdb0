// An image folder streamed by train.py (--stream-data) trains on the very pixels the packed project holds: the same
// losses step for step when the files are the model's size, and Stride's bilinear rule when they must be resized.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { NO_TORCH, PYTHON, readLog, stride, tempDir } from './ddp-harness';

const dir = tempDir('stride-ddp-stream-');
const IMAGES = path.join(dir, 'shapes');

const model = (size: number) => `model Net {
  input(${size}, ${size}, 1)
  conv2d(6, 3, padding: same, activation: relu)
  maxpool2d(2)
  flatten()
  dense(4, activation: softmax)
}
train Net { data: folder("shapes/train")  optimizer: sgd(lr: 0.05)  epochs: 2  batch: 16  validation: 0.2  seed: 3 }
`;

/** Exports the project (packed, or streamed) and trains it for its 2 epochs with one process; the epoch losses. */
async function losses(file: string, name: string, stream: boolean): Promise<number[]> {
  const project = path.join(dir, name);
  const r = await stride(['export', file, '--format', 'torch-ddp', '--out', project, ...(stream ? ['--stream-data'] : [])]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(fs.existsSync(path.join(project, 'data')), !stream, stream ? 'a streamed folder is not packed' : 'packed data');
  const run = spawnSync(PYTHON, ['train.py', '--out', 'runs', '--quiet'], { cwd: project, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return readLog(path.join(project, 'runs', 'metrics.jsonl'))
    .filter((e) => e.event === 'epoch')
    .map((e) => e.loss as number);
}

describe('torch-ddp with a streamed image folder', { skip: NO_TORCH }, () => {
  before(async () => {
    const r = await stride(['data', 'export', 'shapes', IMAGES, '--count', '160', '--size', '16,16,1', '--seed', '4']);
    assert.equal(r.status, 0, r.stderr);
  });

  test('files of the model’s size: the same losses as the packed project', async () => {
    const file = path.join(dir, 'same.stride');
    fs.writeFileSync(file, model(16));
    const packed = await losses(file, 'same-packed', false);
    const streamed = await losses(file, 'same-streamed', true);
    assert.equal(streamed.length, 2);
    streamed.forEach((l, i) => assert.ok(Math.abs(l - packed[i]) <= 1e-6, `epoch ${i + 1}: streamed ${l}, packed ${packed[i]}`));
    const config = JSON.parse(fs.readFileSync(path.join(dir, 'same-streamed', 'stride.json'), 'utf8'));
    assert.equal(config.data.kind, 'folder');
    assert.equal(config.data.files.length, 160);
    assert.deepEqual(config.data.files[0], ['circle/000.png', 0]);
  });

  test('files resized to the model’s input: Stride’s bilinear rule, up to rounding', async () => {
    const file = path.join(dir, 'resized.stride');
    fs.writeFileSync(file, model(12));
    const packed = await losses(file, 'resized-packed', false);
    const streamed = await losses(file, 'resized-streamed', true);
    streamed.forEach((l, i) => assert.ok(Math.abs(l - packed[i]) <= 1e-3 * packed[i], `epoch ${i + 1}: streamed ${l}, packed ${packed[i]}`));
  });

  test('a folder that is missing is refused by name', async () => {
    const file = path.join(dir, 'missing.stride');
    fs.writeFileSync(file, model(16).replace('shapes/train', 'nowhere'));
    const r = await stride(['export', file, '--format', 'torch-ddp', '--out', path.join(dir, 'missing'), '--stream-data']);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /the image folder could not be listed: Image folder '.*nowhere' does not exist/);
  });
});
