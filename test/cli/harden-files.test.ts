// `stride train` and `stride predict` as real processes against hostile output folders and saved weights.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PNG } from 'pngjs';
import { analyze } from '../../core/analyze';
import { buildModel } from '../../train/model-builder';
import { runDir } from '../../train/node/saved-files';
import { saveModel } from '../../train/node/weights';
import { useCpu } from '../train/helpers';
import { pngBomb } from '../train/image-fixtures';
import { lowered } from '../helpers/training';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BIN = path.join(ROOT, 'bin', 'stride.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-harden-cli-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const MODEL = `model Tiny {
  input(8, 8, 1)
  flatten()
  dense(3, activation: softmax)
}
train Tiny { data: shapes  epochs: 1  batch: 8  seed: 1 }
`;

const stride = (args: string[], cwd = dir) =>
  spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000 });

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

function userFolder(name: string): string {
  const d = path.join(dir, name);
  fs.mkdirSync(path.join(d, 'weights'), { recursive: true });
  fs.writeFileSync(path.join(d, 'weights', 'notes.txt'), 'not Stride');
  fs.writeFileSync(path.join(d, 'keep.txt'), 'mine');
  return d;
}

function png8(): string {
  const png = new PNG({ width: 8, height: 8 });
  png.data.fill(200);
  const file = path.join(dir, 'img.png');
  fs.writeFileSync(file, PNG.sync.write(png));
  return file;
}

/** Trained-looking weights for `Tiny` saved where `stride train` would put them, with the given class names. */
async function saveTiny(modelFile: string, classes: string[]): Promise<string> {
  const weights = path.join(runDir(modelFile, 'Tiny'), 'weights');
  const model = buildModel(lowered(analyze(MODEL).models[0]), { seed: 1 });
  await saveModel(model, weights, { model: 'Tiny', inputShape: [8, 8, 1], classes, dataset: 'test' });
  model.dispose();
  return weights;
}

describe('output folders', () => {
  test('an empty --out (an unset shell variable) is refused and deletes nothing in the current folder', () => {
    const file = write('empty-out.stride', MODEL);
    const cwd = userFolder('cwd');
    const r = stride(['train', file, '--out', ''], cwd);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /--out is an empty path/);
    assert.deepEqual(fs.readdirSync(cwd).sort(), ['keep.txt', 'weights']);
    assert.deepEqual(fs.readdirSync(path.join(cwd, 'weights')), ['notes.txt']);
  });

  test('an --out folder that Stride did not create is refused, named, and left untouched', () => {
    const file = write('foreign-out.stride', MODEL);
    const out = userFolder('foreign');
    const r = stride(['train', file, '--out', out]);
    assert.equal(r.status, 2, r.stderr);
    assert.ok(r.stderr.includes(out), r.stderr);
    assert.match(r.stderr, /not a run folder Stride wrote/);
    assert.doesNotMatch(r.stderr, /internal error/);
    assert.deepEqual(fs.readdirSync(path.join(out, 'weights')), ['notes.txt']);
  });
});

describe('predict with saved weights', () => {
  before(useCpu);

  test('a default predict after a save interrupted between its renames uses the previous copy and says so', async () => {
    const file = write('crash.stride', MODEL);
    const weights = await saveTiny(file, ['a', 'b', 'c']);
    fs.renameSync(weights, `${weights}.previous`);
    const r = stride(['predict', file, png8()]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /warning: using the previous weights in .*weights\.previous: the last save was interrupted/);
    assert.match(r.stdout, /img\.png: [abc] [\d.]+%/);
  });

  test('class names with terminal escape sequences are printed inert', async () => {
    const file = write('escape.stride', MODEL);
    await saveTiny(file, ['\u001b]0;pwned\u0007a', '\u001b[2Jb', 'c\rX']);
    const r = stride(['predict', file, png8()]);
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /[\u0000-\u0009\u000b-\u001f\u007f]/);
    assert.match(r.stdout, /\ufffd\]0;pwned\ufffda/);
  });

  test('a model.json that is null, a string or [{}] is a clear error, not an internal one', async () => {
    const file = write('manifest.stride', MODEL);
    const weights = await saveTiny(file, ['a', 'b', 'c']);
    for (const text of [
      'null',
      '"weights"',
      '[{}]',
      '{"weightsManifest":[{"weights":[{"name":"x","shape":[1],"dtype":"float32","quantization":{"dtype":"uint8"}}]}]}',
    ]) {
      fs.writeFileSync(path.join(weights, 'model.json'), text);
      const r = stride(['predict', file, png8()]);
      assert.equal(r.status, 2, `${text}: ${r.stderr}`);
      assert.match(r.stderr, /model\.json' is damaged/);
      assert.doesNotMatch(r.stderr, /internal error|at .*\.js:\d+/);
    }
  });

  test('predict on a PNG claiming 30000×30000 pixels is refused at once', async () => {
    const file = write('bomb.stride', MODEL);
    await saveTiny(file, ['a', 'b', 'c']);
    const bomb = path.join(dir, 'bomb.png');
    fs.writeFileSync(bomb, pngBomb(30000, 30000));
    const start = Date.now();
    const r = stride(['predict', file, bomb]);
    // An image that cannot be used is bad input data, like a model with errors: status 1.
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /declares 30000×30000 pixels/);
    assert.ok(Date.now() - start < 30_000);
  });
});
