// The `stride` CLI run as a real process: exit statuses, compiler-style diagnostics, summary table and JSON.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BIN = path.join(ROOT, 'bin', 'stride.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-cli-'));

function write(name: string, text: string | Buffer): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

function stride(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const GOOD = `## A small classifier.
model Small {
  input(28, 28, 1)
  conv2d(8, 3)
  maxpool2d(2)
  flatten()
  dense(10, activation: softmax)
}
model Tiny {
  input(4)
  dense(2)
}
train Small { data: shapes  epochs: 2  batch: 16 }
`;

const BAD = `model Broken {
  input(28, 28, 1)
  conv2d(8, 3)
  conv2x(8, 3)
  dense(10)
}
`;

test('check: a clean file exits 0 and reports the count', () => {
  const r = stride('check', write('good.stride', GOOD));
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /1 file checked: 0 errors, 0 warnings/);
});

test('check: errors print file:line:col: error[code] and exit 1', () => {
  const file = write('bad.stride', BAD);
  const r = stride('check', file);
  assert.equal(r.status, 1);
  assert.ok(r.stdout.includes(`${file}:4:3: error[unknown-layer]: Unknown layer 'conv2x'; did you mean 'conv2d'?`), r.stdout);
  assert.match(r.stdout, /fix: Change to 'conv2d'/);
  assert.match(r.stdout, /\n    \s*\^{6}\n/, 'caret under the unknown name');
});

test('check: several files, one bad, exits 1; --json lists diagnostics per file', () => {
  const good = write('good2.stride', GOOD);
  const bad = write('bad2.stride', BAD);
  const r = stride('check', '--json', good, bad);
  assert.equal(r.status, 1);
  const json = JSON.parse(r.stdout) as { files: { file: string; diagnostics: { code: string; line: number; column: number }[] }[] };
  assert.deepEqual(
    json.files.map((f) => f.file),
    [good, bad],
  );
  assert.deepEqual(json.files[0].diagnostics, []);
  assert.deepEqual(
    json.files[1].diagnostics.map((d) => [d.code, d.line, d.column]),
    [['unknown-layer', 4, 3]],
  );
});

test('summary: a Keras-style table with totals', () => {
  const r = stride('summary', write('good3.stride', GOOD), '--model', 'Small');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Model: "Small"/);
  assert.match(r.stdout, /conv2d_1 \(conv2d\)\s+\(None, 26, 26, 8\)\s+80\s+48,672/);
  assert.match(r.stdout, /dense_1 \(dense\)\s+\(None, 10\)\s+13,530/);
  assert.match(r.stdout, /Total params: 13,610/);
  assert.match(r.stdout, /Training memory \(batch 16, adam\)/);
  assert.doesNotMatch(r.stdout, /Model: "Tiny"/);
});

test('summary --json keeps the documented fields', () => {
  const r = stride('summary', write('good4.stride', GOOD), '--json', '--batch', '8');
  assert.equal(r.status, 0, r.stderr);
  const json = JSON.parse(r.stdout);
  assert.deepEqual(
    json.models.map((m: { name: string }) => m.name),
    ['Small', 'Tiny'],
  );
  const small = json.models[0];
  for (const key of ['name', 'kind', 'outputShape', 'params', 'trainable', 'nonTrainable', 'macs', 'receptiveField', 'line']) {
    assert.ok(key in small.layers[1], `layer field ${key}`);
  }
  assert.deepEqual(small.layers[1].outputShape, [26, 26, 8]);
  assert.equal(small.layers[1].line, 4);
  assert.deepEqual(small.layers[1].receptiveField.size, [3, 3]);
  assert.deepEqual(small.totals, { ...small.totals, params: 13610, trainable: 13610, nonTrainable: 0, macs: 26 * 26 * 9 * 8 + 13 * 13 * 8 * 10 });
  assert.equal(small.memory.batch, 8);
  assert.deepEqual(json.diagnostics, []);
});

test('clear errors for missing files, directories, binary input, unknown models and commands', () => {
  const cases: [string[], RegExp][] = [
    [['check', path.join(dir, 'nope.stride')], /cannot read '.*nope\.stride': no such file/],
    [['summary', dir], /is a directory/],
    [['summary', write('bin.stride', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]))], /looks like a binary file/],
    [['summary', write('good5.stride', GOOD), '--model', 'Nope'], /No model named 'Nope'; models in .*: Small, Tiny/],
    [['summary', write('good6.stride', GOOD), '--batch', 'x'], /--batch must be a positive integer/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['check'], /check needs at least one file/],
  ];
  for (const [args, message] of cases) {
    const r = stride(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /internal error/);
  }
});

test('help and version', () => {
  assert.match(stride('help').stdout, /stride <command>/);
  assert.match(stride('--version').stdout, /^stride \d+\.\d+\.\d+/);
});

test('a global install of the checkout puts a working `stride` on the PATH', () => {
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-global-'));
  const install = spawnSync('npm', ['install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', '--offline', ROOT], { encoding: 'utf8' });
  assert.equal(install.status, 0, install.stderr);
  const r = spawnSync(path.join(prefix, 'bin', 'stride'), ['summary', write('global.stride', GOOD), '--model', 'Tiny'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Total params: 10/);
});

test('summary --model shows only that model and its diagnostics', () => {
  const file = write('mixed.stride', GOOD + BAD);
  const ok = stride('summary', file, '--model', 'Small');
  assert.equal(ok.status, 0, ok.stderr);
  assert.doesNotMatch(ok.stderr, /unknown-layer/);
  const bad = stride('summary', file, '--model', 'Broken');
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /error\[unknown-layer\]/);
});

test('export: PyTorch code to a file, JSON graph to stdout, refusal on errors', () => {
  const out = path.join(dir, 'small.py');
  const r = stride('export', write('exp.stride', GOOD), '--model', 'Small', '--out', out);
  assert.equal(r.status, 0, r.stderr);
  const code = fs.readFileSync(out, 'utf8');
  assert.match(code, /class Small\(nn\.Module\):/);
  assert.match(code, /nn\.Conv2d\(1, 8, kernel_size=\(3, 3\)/);
  const json = stride('export', write('exp2.stride', GOOD), '--format', 'json', '--model', 'Tiny');
  assert.equal(json.status, 0, json.stderr);
  assert.equal(JSON.parse(json.stdout).totals.params, 10);
  const bad = stride('export', write('exp3.stride', BAD));
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /error\[unknown-layer\][\s\S]*model 'Broken' has errors/);
  assert.match(
    stride('export', write('exp4.stride', GOOD), '--format', 'caffe').stderr,
    /option --format does not accept 'caffe' \(values: pytorch, onnx, keras, tfjs, json, torch-ddp\)/,
  );
});
