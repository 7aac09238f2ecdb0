// The `stride` CLI on a model whose lines name several outputs: summary rows per part, check with the fix, PyTorch export.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BIN = path.join(ROOT, 'bin', 'stride.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-cli-multi-'));

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

function stride(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const UNIT = `model Unit {
  x = input(8, 8, 16)
  left, right = split(2)
  r = right -> conv2d(8, 1) -> relu()
  concat(left, r) -> channel_shuffle(2)
}
`;

test('summary: one slice row per named part, with no parameters', () => {
  const r = stride('summary', write('unit.stride', UNIT));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /left \(slice\)\s+\(None, 8, 8, 8\)\s+0\s/);
  assert.match(r.stdout, /right \(slice\)\s+\(None, 8, 8, 8\)\s+0\s/);
  assert.match(r.stdout, /channel_shuffle_1 \(channel_shuffle\)\s+\(None, 8, 8, 16\)\s+0\s/);
  assert.match(r.stdout, /Total params: 72/);
});

test('check: a bare layer after destructuring names the fix; export writes the slices as indexing', () => {
  const bad = stride('check', write('bare.stride', UNIT.replace('r = right -> conv2d', 'r = conv2d')));
  assert.equal(bad.status, 1);
  assert.match(bad.stdout + bad.stderr, /error\[missing-input\]: conv2d\(\) has no input: after a line that names several outputs/);
  assert.match(bad.stdout + bad.stderr, /fix: Start from 'left'/);
  const out = path.join(dir, 'unit.py');
  const ok = stride('export', write('unit2.stride', UNIT), '--out', out);
  assert.equal(ok.status, 0, ok.stderr);
  const code = fs.readFileSync(out, 'utf8');
  assert.match(code, /left = x\[:, 0:8\]/);
  assert.match(code, /right = x\[:, 8:16\]/);
});
