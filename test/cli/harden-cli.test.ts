// The CLI as a real process on inputs that used to crash it or eat the machine: clear errors, bounded reads, the cache.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BIN = path.join(ROOT, 'bin', 'stride.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-harden-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const stride = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 120_000 });

describe('clear errors instead of internal ones', () => {
  test('train with input(40000, 40000, 3) is refused before allocating, with exit 2', () => {
    const file = path.join(dir, 'huge.stride');
    fs.writeFileSync(
      file,
      'model Huge {\n  input(40000, 40000, 3)\n  globalavgpool2d()\n  dense(4, activation: softmax)\n}\ntrain Huge { data: shapes  epochs: 1 }\n',
    );
    const start = Date.now();
    const r = stride(['train', file]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /stride: error: The model input \(40000, 40000, 3\) makes shapes images of 40000×40000 pixels, more than the limit/);
    assert.doesNotMatch(r.stderr, /internal error|RangeError/);
    assert.ok(Date.now() - start < 60_000);
  });

  test('train with a data set over the memory budget names the numbers', () => {
    const file = path.join(dir, 'many.stride');
    fs.writeFileSync(
      file,
      'model Many {\n  input(4096, 4096, 3)\n  globalavgpool2d()\n  dense(4, activation: softmax)\n}\ntrain Many { data: shapes(count: 1000)  epochs: 1 }\n',
    );
    const r = stride(['train', file, '--out', path.join(dir, 'many-run')]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /1200 shapes images of \(4096, 4096, 3\) would take 60\.4 GB of memory, more than the 4\.3 GB/);
  });
});

describe('bounded reads', () => {
  test('check /dev/zero stops at the size limit with a clear error', () => {
    const r = stride(['check', '/dev/zero']);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /'\/dev\/zero' is larger than 16 MiB; Stride reads model files up to that size/);
  });

  test('a model file over 16 MiB is refused; one just under is read', () => {
    const big = path.join(dir, 'big.stride');
    fs.writeFileSync(big, Buffer.alloc(16 * 1024 * 1024 + 1, 0x20));
    assert.equal(stride(['check', big]).status, 2);
    fs.truncateSync(big, 16 * 1024 * 1024);
    const ok = stride(['check', big]);
    assert.equal(ok.status, 0, ok.stderr);
  });
});

describe('untrusted text on the terminal', () => {
  test('check prints source lines and messages with escape sequences made inert', () => {
    const file = path.join(dir, 'esc.stride');
    fs.writeFileSync(file, 'model E {\n  input(8, 8, 1)\n  conv2x(4) # \u001b]0;pwned\u0007 \u001b[2J\n}\n');
    const r = stride(['check', file]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /Unknown layer 'conv2x'/);
    assert.match(r.stdout, /\ufffd\]0;pwned\ufffd \ufffd\[2J/);
    assert.doesNotMatch(r.stdout + r.stderr, /[\u0000-\u0008\u000b-\u001f\u007f]/);
  });

  test('an error message quoting a hostile path is made inert', () => {
    const r = stride(['check', path.join(dir, 'missing\u001b[31m.stride')]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /missing\ufffd\[31m\.stride/);
  });
});

describe('stride cache', () => {
  test('shows where downloads are kept and their size, and clear deletes only them', () => {
    const cache = path.join(dir, 'cache');
    fs.mkdirSync(path.join(cache, 'mnist'), { recursive: true });
    fs.mkdirSync(path.join(cache, 'cifar10'), { recursive: true });
    fs.writeFileSync(path.join(cache, 'mnist', 'train-labels-idx1-ubyte.gz'), Buffer.alloc(2_000_000));
    fs.writeFileSync(path.join(cache, 'cifar10', 'cifar-10-binary.tar.gz.partial-12-34'), Buffer.alloc(500_000));
    fs.writeFileSync(path.join(cache, 'mnist', 'my-notes.txt'), 'not a download');
    fs.writeFileSync(path.join(cache, 'elsewhere.txt'), 'not a download');
    const env = { STRIDE_CACHE_DIR: cache };
    const show = stride(['cache'], env);
    assert.equal(show.status, 0, show.stderr);
    assert.ok(show.stdout.includes(`Dataset cache: ${cache}`));
    assert.match(show.stdout, /mnist\/train-labels-idx1-ubyte\.gz {2}2\.0 MB/);
    assert.match(show.stdout, /Total: 2\.5 MB in 2 files; 'stride cache clear' deletes them/);
    const clear = stride(['cache', 'clear'], env);
    assert.equal(clear.status, 0, clear.stderr);
    assert.match(clear.stdout, /Removed 2 files \(2\.5 MB\)/);
    assert.deepEqual(fs.readdirSync(cache).sort(), ['elsewhere.txt', 'mnist']);
    assert.deepEqual(fs.readdirSync(path.join(cache, 'mnist')), ['my-notes.txt']);
    assert.match(stride(['cache'], env).stdout, /Empty\./);
    assert.equal(stride(['cache', 'wipe'], env).status, 2);
  });
});
