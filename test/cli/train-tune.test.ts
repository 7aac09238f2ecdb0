// `stride train` fine-tuning as a real process on the built-in shapes: `init:` (relative to the file, overridden by
// --init) starts from saved weights, `freeze:` and `lr_mult:` keep layers bit-identical, `stride summary` counts
// frozen parameters, and the PyTorch training project names the layers by module path.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BIN = path.join(ROOT, 'bin', 'stride.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-tune-cli-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const MODEL = `model Net {
  input(32, 32, 1)
  stem = conv2d(4, 3, stride: 2) -> batchnorm() -> relu()
  conv2d(8, 3, stride: 2, activation: relu)
  flatten()
  head = dense(4, activation: softmax)
}
`;
const section = (extra: string) => `train Net { data: shapes  optimizer: adam(lr: 0.01)  epochs: 1  batch: 32  validation: 0.2  seed: 7  ${extra} }\n`;

function write(name: string, extra: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, MODEL + section(extra));
  return file;
}

// Run from another folder, so that a relative `init:` must be resolved against the file's folder.
const stride = (...args: string[]) =>
  spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: os.tmpdir(), env: { ...process.env, NO_COLOR: '1' } });

/** A weights folder's tensors by name (model.json's manifest over weights.bin). */
function weights(folder: string): Record<string, Buffer> {
  const manifest = JSON.parse(fs.readFileSync(path.join(folder, 'model.json'), 'utf8')).weightsManifest as { weights: { name: string; shape: number[] }[] }[];
  const bin = fs.readFileSync(path.join(folder, 'weights.bin'));
  const out: Record<string, Buffer> = {};
  let offset = 0;
  for (const w of manifest.flatMap((g) => g.weights)) {
    const bytes = 4 * w.shape.reduce((a, b) => a * b, 1);
    out[w.name] = bin.subarray(offset, offset + bytes);
    offset += bytes;
  }
  return out;
}

const base = write('base.stride', '');
const baseRun = stride('train', base, '--limit', '128');

test('init: starts from the saved weights; frozen and lr_mult 0 layers end bit-identical to them, the rest trains', () => {
  assert.equal(baseRun.status, 0, baseRun.stderr);
  const file = write('tune.stride', 'init: "base.runs/Net"  freeze: [stem]  lr_mult: layers(conv2d_2: 0)');
  const r = stride('train', file, '--limit', '128');
  assert.equal(r.status, 0, r.stderr);
  const before = weights(path.join(dir, 'base.runs', 'Net', 'weights'));
  const after = weights(path.join(dir, 'tune.runs', 'Net', 'weights'));
  for (const name of Object.keys(before)) {
    const kept = name.startsWith('conv2d_') || name.startsWith('batchnorm_1/');
    assert.equal(before[name].equals(after[name]), kept, `${name} ${kept ? 'changed' : 'did not change'}`);
  }
});

test('--init overrides init:, and an init: folder that is not there is a one-line error naming it', () => {
  const file = write('missing.stride', 'init: "nowhere"  freeze: [stem]');
  const bad = stride('train', file, '--limit', '64');
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /init: "nowhere" \(.*nowhere\)/);
  assert.ok(!fs.existsSync(path.join(dir, 'missing.runs', 'Net', 'weights')));
  const good = stride('train', file, '--limit', '64', '--init', path.join(dir, 'base.runs', 'Net'));
  assert.equal(good.status, 0, good.stderr);
  const before = weights(path.join(dir, 'base.runs', 'Net', 'weights'));
  const after = weights(path.join(dir, 'missing.runs', 'Net', 'weights'));
  assert.ok(before['conv2d_1/kernel'].equals(after['conv2d_1/kernel']));
});

test('stride summary counts the frozen layers as non-trainable', () => {
  const r = stride('summary', write('summary.stride', 'freeze: [stem]'));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /conv2d_1 \(conv2d, frozen\)/);
  assert.match(r.stdout, /Non-trainable params: 56 \(56 frozen by train section\)/);
  const json = JSON.parse(stride('summary', write('summary.stride', 'freeze: [stem]'), '--json').stdout);
  assert.deepEqual(
    json.models[0].layers.filter((l: { frozen?: boolean }) => l.frozen).map((l: { name: string }) => l.name),
    ['conv2d_1', 'batchnorm_1', 'stem'],
  );
});

test('the PyTorch training project names the frozen and lr_mult layers by their module paths', () => {
  const file = write('torch.stride', 'freeze: [stem]  unfreeze: 1  lr_mult: layers(head: 2)');
  const out = path.join(dir, 'torch-project');
  const r = stride('export', file, '--format', 'torch-ddp', '--out', out);
  assert.equal(r.status, 0, r.stderr);
  const tune = JSON.parse(fs.readFileSync(path.join(out, 'stride.json'), 'utf8')).fineTune as {
    frozen: string[];
    unfreeze: number;
    lrMult: [string, number][];
  };
  const modelPy = fs.readFileSync(path.join(out, 'model.py'), 'utf8');
  // stem's three layers (convolution, batch norm, activation) and the head, each a module of model.py.
  assert.equal(tune.frozen.length, 3);
  assert.equal(tune.unfreeze, 1);
  assert.deepEqual(
    tune.lrMult.map(([, m]) => m),
    [2],
  );
  const isModule = (p: string) => modelPy.includes(`self.${p.split('.')[0]} =`);
  // The activation has no weights and may be a function call; the convolution and the batch norm are modules.
  assert.equal(tune.frozen.filter(isModule).length, 2, tune.frozen.join(', '));
  assert.ok(isModule(tune.lrMult[0][0]), tune.lrMult[0][0]);
});
