// The bundled command line (dist/stride-cli.js, what the extension package runs for Train with PyTorch) in a folder
// laid out as the installed extension: no out/, no node_modules, the wasm binaries beside it.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BUNDLE = path.join(ROOT, 'dist', 'stride-cli.js');
const PYTHON = '/usr/bin/python3';
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
const missing = !fs.existsSync(BUNDLE) && 'dist/stride-cli.js is not built (npm run build:ext; npm test builds it)';

describe('the bundled stride command', { skip: missing }, () => {
  const ext = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-bundled-cli-'));
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [path.join(ext, 'dist', 'stride-cli.js'), ...args], { cwd: ext, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

  before(() => {
    fs.mkdirSync(path.join(ext, 'dist'));
    for (const f of fs.readdirSync(path.join(ROOT, 'dist')).filter((n) => n === 'stride-cli.js' || n === 'partner-thread.js' || n.endsWith('.wasm')))
      fs.copyFileSync(path.join(ROOT, 'dist', f), path.join(ext, 'dist', f));
    fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(ext, 'package.json'));
    fs.copyFileSync(path.join(ROOT, 'examples', 'shapes.stride'), path.join(ext, 'shapes.stride'));
  });

  test('checks, reports its version and trains on the wasm binaries shipped beside it', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    assert.equal(run('--version').stdout.trim(), `stride ${pkg.version}`);
    const check = run('check', 'shapes.stride');
    assert.equal(check.status, 0, check.stderr);
    const train = run('train', 'shapes.stride', '--epochs', '1', '--limit', '64');
    assert.equal(train.status, 0, train.stderr);
    assert.match(train.stderr, /^Backend: wasm \(SIMD/m);
    assert.ok(fs.existsSync(path.join(ext, 'shapes.runs', 'ShapesNet', 'weights', 'model.json')));
    // --threads starts the partner thread's bundle shipped beside it, on the same binaries.
    const threads = run('train', 'shapes.stride', '--epochs', '1', '--limit', '64', '--threads', '2', '--out', path.join(ext, 'threads-run'));
    assert.equal(threads.status, 0, threads.stderr);
    assert.match(threads.stderr, /^Backend: wasm \(SIMD.*; data-parallel on 2 threads$/m);
  });

  test('trains with PyTorch and brings the weights back', { skip: !hasTorch && 'PyTorch (Debian python3-torch) is not installed' }, () => {
    const out = path.join(ext, 'torch-run');
    const r = run('train', 'shapes.stride', '--engine', 'torch', '--python', PYTHON, '--epochs', '1', '--limit', '64', '--out', out);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /^Backend: PyTorch .*1 process \(cpu\)/m);
    assert.ok(fs.existsSync(path.join(out, 'weights', 'weights.bin')));
    assert.ok(fs.existsSync(path.join(out, 'torch', 'train.py')));
  });
});
