// Images and data folders that cannot be used: one clear line naming the path, exit status 1, no run folder left.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { PNG } from 'pngjs';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BIN = path.join(ROOT, 'bin', 'stride.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-data-errors-'));

const MODEL = `model Tiny {
  input(8, 8, 1)
  conv2d(2, 3, activation: relu)
  flatten()
  dense(4, activation: softmax)
}
train Tiny { data: shapes(count: 64)  epochs: 1  batch: 16  validation: 0 }
`;

function stride(...args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
}

function file(name: string, data: string | Buffer): string {
  const p = path.join(dir, name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, data);
  return p;
}

const png = new PNG({ width: 8, height: 8 });
png.data.fill(200);
const GOOD_PNG = PNG.sync.write(png);
const model = file('tiny.stride', MODEL);

/** Exit status 1 and exactly one line on stderr, which must match. */
function refused(r: ReturnType<typeof stride>, message: RegExp): void {
  assert.equal(r.status, 1, r.stderr);
  const lines = r.stderr.trimEnd().split('\n');
  assert.match(lines[lines.length - 1], message);
  assert.equal(lines.filter((l) => l.startsWith('stride: error:')).length, 1, r.stderr);
  assert.doesNotMatch(r.stderr, /ENOENT|EISDIR|SOI|invalid filter|at .*\.js:\d+/, 'no internal messages');
}

test('predict: missing, unreadable and undecodable images are named with their path', () => {
  const trained = stride('train', model, '--out', path.join(dir, 'run'));
  assert.equal(trained.status, 0, trained.stderr);
  const weights = ['--weights', path.join(dir, 'run')];
  const good = file('good.png', GOOD_PNG);
  assert.equal(stride('predict', model, good, ...weights).status, 0);
  const missing = path.join(dir, 'missing.png');
  refused(stride('predict', model, missing, ...weights), new RegExp(`Cannot read image '${missing}': no such file\\.$`));
  refused(stride('predict', model, dir, ...weights), /Cannot read image '.*': it is a folder, not an image file\.$/);
  const text = file('text.png', 'this is not an image\n');
  refused(stride('predict', model, text, ...weights), new RegExp(`Cannot decode image '${text}': it is not a PNG or JPEG file`));
  const empty = file('empty.png', '');
  refused(stride('predict', model, empty, ...weights), /Cannot decode image '.*empty\.png': it is not a PNG or JPEG file \(the file is empty\)/);
  const cut = file('cut.png', GOOD_PNG.subarray(0, GOOD_PNG.length - 20));
  refused(stride('predict', model, good, cut, ...weights), /Cannot decode image '.*cut\.png': /);
  const jpeg = file('bad.jpg', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0, 1, 2, 3]));
  refused(stride('predict', model, jpeg, ...weights), /Cannot decode image '.*bad\.jpg': its JPEG data is damaged or truncated/);
});

test('train --data DIR: missing, empty or unusable folders are refused before a run folder is made', () => {
  const cases: [string, RegExp][] = [
    [path.join(dir, 'nowhere'), /Image folder '.*nowhere' does not exist\./],
    [fs.mkdtempSync(path.join(dir, 'empty-')), /Image folder '.*empty-\w+' needs one sub-folder per class and at least two classes; found 0/],
  ];
  fs.mkdirSync(path.join(dir, 'one', 'a'), { recursive: true });
  file('one/a/x.png', GOOD_PNG);
  cases.push([path.join(dir, 'one'), /Image folder '.*one' needs one sub-folder per class and at least two classes; found 1 \(a\)/]);
  file('noimg/a/x.png', GOOD_PNG);
  file('noimg/b/readme.txt', 'no images here');
  cases.push([path.join(dir, 'noimg'), /Class folder '.*noimg\/b' has no PNG or JPEG images\./]);
  for (const [data, message] of cases) {
    const out = path.join(dir, `run-${path.basename(data)}`);
    refused(stride('train', model, '--data', data, '--out', out), message);
    assert.ok(!fs.existsSync(out), `no run folder for ${data}`);
  }
  file('badimg/a/x.png', GOOD_PNG);
  const bad = file('badimg/b/y.png', 'not a png');
  refused(stride('train', model, '--data', path.join(dir, 'badimg'), '--out', path.join(dir, 'run-bad')), new RegExp(`Cannot decode image '${bad}'`));
});
