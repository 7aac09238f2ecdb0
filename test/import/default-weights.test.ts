// `stride import` saves the imported weights where `stride predict` and the editor look for a model's weights
// (`NAME.weights/MODEL` beside the text), so predict works at once; --weights-out elsewhere, --no-weights none.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type * as Ort from 'onnxruntime-node';
import { onnx } from 'onnx-proto';
import { PNG } from 'pngjs';
import { residual, saveTfjs } from './keras-harness';

const ort: typeof Ort = require('onnxruntime-node');
const ROOT = path.resolve(__dirname, '..', '..', '..');
const BIN = path.join(ROOT, 'bin', 'stride.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-import-default-weights-'));

function stride(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: tmp, env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** LeNet-5 exported to ONNX by Stride with seeded weights (a softmax at the end), in its own folder. */
function lenetOnnx(folder: string): string {
  const dir = path.join(tmp, folder);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'lenet5.onnx');
  const r = stride('export', path.join(ROOT, 'examples', 'lenet5.stride'), '--format', 'onnx', '--out', file);
  assert.equal(r.status, 0, r.stderr);
  return file;
}

/** A 28×28 grey PNG of seeded pixels (red, green and blue equal, so every grey conversion agrees) and its pixels. */
function greyImage(): { file: string; pixels: number[] } {
  const png = new PNG({ width: 28, height: 28 });
  let seed = 5;
  const pixels: number[] = [];
  for (let p = 0; p < 28 * 28; p++) {
    const v = (seed = (seed * 1103515245 + 12345) % 2 ** 31) >> 23;
    png.data[p * 4] = png.data[p * 4 + 1] = png.data[p * 4 + 2] = v;
    png.data[p * 4 + 3] = 255;
    pixels.push(v);
  }
  const file = path.join(tmp, 'grey.png');
  fs.writeFileSync(file, PNG.sync.write(png));
  return { file, pixels };
}

/** predict's lines `CLASS P%` for one image. */
const classes = (stdout: string) => [...stdout.matchAll(/(\d+) ([\d.]+)%/g)].map((m) => ({ i: Number(m[1]), p: Number(m[2]) }));

describe('stride import saves the weights where predict looks', () => {
  test('predict without --weights uses the imported weights: the same classes as --weights DIR and as onnxruntime', async () => {
    const onnxFile = lenetOnnx('default');
    const r = stride('import', onnxFile);
    assert.equal(r.status, 0, r.stderr);
    const strideFile = path.join(tmp, 'default', 'lenet5.stride');
    const folder = path.join(tmp, 'default', 'lenet5.weights', 'LeNet5');
    // Both places are printed, and the folder is Stride's weights folder.
    assert.match(r.stderr, /^wrote .*lenet5\.stride$/m);
    assert.match(r.stderr, /^wrote .*lenet5\.weights\/LeNet5 \(weights of 5 layers, 61706 values\)$/m);
    assert.ok(fs.existsSync(path.join(folder, 'model.json')) && fs.existsSync(path.join(folder, 'weights.bin')));
    // Importing again replaces the folder Stride wrote.
    assert.equal(stride('import', onnxFile).status, 0);

    const { file: image, pixels } = greyImage();
    const byDefault = stride('predict', strideFile, image, '--top', '3');
    assert.equal(byDefault.status, 0, byDefault.stderr);
    const explicitDir = path.join(tmp, 'default', 'explicit');
    assert.equal(stride('import', onnxFile, '--out', path.join(tmp, 'default', 'again.stride'), '--weights-out', explicitDir).status, 0);
    const explicit = stride('predict', strideFile, image, '--weights', explicitDir, '--top', '3');
    assert.equal(explicit.status, 0, explicit.stderr);
    assert.equal(byDefault.stdout, explicit.stdout);

    // The exported file itself, run in onnxruntime on the same pixels (NHWC, /255), ranks the same classes.
    const session = await ort.InferenceSession.create(onnxFile);
    const input = new ort.Tensor(
      'float32',
      Float32Array.from(pixels, (v) => v / 255),
      [1, 28, 28, 1],
    );
    const probs = Array.from((await session.run({ [session.inputNames[0]]: input }))[session.outputNames[0]].data as Float32Array);
    const top = probs
      .map((p, i) => ({ i, p: p * 100 }))
      .sort((a, b) => b.p - a.p)
      .slice(0, 3);
    const got = classes(byDefault.stdout);
    assert.deepEqual(
      got.map((g) => g.i),
      top.map((t) => t.i),
      byDefault.stdout,
    );
    got.forEach((g, k) => assert.ok(Math.abs(g.p - top[k].p) <= 0.051, `${byDefault.stdout} vs ${top[k].p}`));
  });
});

describe('stride import without weights, and weights it cannot save', () => {
  test('--no-weights writes the text only; predict then has no weights', () => {
    const onnxFile = lenetOnnx('none');
    const r = stride('import', onnxFile, '--no-weights');
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(fs.readdirSync(path.join(tmp, 'none')).sort(), ['lenet5.onnx', 'lenet5.stride']);
    const { file: image } = greyImage();
    const p = stride('predict', path.join(tmp, 'none', 'lenet5.stride'), image);
    assert.equal(p.status, 2);
    assert.match(p.stderr, /no trained weights for 'LeNet5'/);
    const both = stride('import', onnxFile, '--no-weights', '--weights-out', 'w');
    assert.equal(both.status, 2);
    assert.match(both.stderr, /--weights-out and --no-weights do not go together/);
  });

  test('text on stdout saves no weights unless --weights-out names a folder', () => {
    const onnxFile = lenetOnnx('stdout');
    const r = stride('import', onnxFile, '--out', '-');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^model LeNet5 \{$/m);
    assert.deepEqual(fs.readdirSync(path.join(tmp, 'stdout')), ['lenet5.onnx']);
  });
});

describe('stride import with weights it cannot save: the text is still written', () => {
  test('a default folder Stride did not write is left alone: the text is written, the refusal is the error', () => {
    const onnxFile = lenetOnnx('foreign');
    const folder = path.join(tmp, 'foreign', 'lenet5.weights', 'LeNet5');
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, 'notes.txt'), 'mine');
    const r = stride('import', onnxFile);
    assert.equal(r.status, 2);
    assert.match(
      r.stderr,
      /weights not saved: '[^']*LeNet5' is not a weights folder Stride wrote \(it holds notes\.txt\).*lenet5\.stride was written; --no-weights/,
    );
    assert.deepEqual(fs.readdirSync(folder), ['notes.txt']);
    assert.match(fs.readFileSync(path.join(tmp, 'foreign', 'lenet5.stride'), 'utf8'), /^model LeNet5 \{$/m);
  });

  test('weights the importer refuses (a double tensor): the text is written, the refusal is the error', () => {
    const onnxFile = lenetOnnx('double');
    const model = onnx.ModelProto.decode(fs.readFileSync(onnxFile));
    const conv = model.graph!.node!.find((n) => n.opType === 'Conv')!;
    const weight = model.graph!.initializer!.find((t) => t.name === conv.input![1])!;
    // A real double tensor: the same values, eight bytes each.
    const raw = weight.rawData!;
    weight.rawData = new Uint8Array(Float64Array.from(new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length))).buffer);
    weight.dataType = onnx.TensorProto.DataType.DOUBLE;
    fs.writeFileSync(onnxFile, onnx.ModelProto.encode(model).finish());
    const r = stride('import', onnxFile);
    assert.equal(r.status, 2);
    assert.match(
      r.stderr,
      /weights not saved: Conv node '[^']+': weight '[^']+' is DOUBLE; only FLOAT \(float32\) weights are imported \(.*lenet5\.stride was written/,
    );
    assert.match(fs.readFileSync(path.join(tmp, 'double', 'lenet5.stride'), 'utf8'), /^model LeNet5 \{$/m);
    assert.equal(fs.existsSync(path.join(tmp, 'double', 'lenet5.weights')), false);
    assert.equal(stride('import', onnxFile, '--no-weights').status, 0);
  });

  test('a tfjs model.json: the weights beside the text, and predict runs on them', async () => {
    const file = await saveTfjs(residual(), path.join(tmp, 'web'));
    const r = stride('import', file, '--name', 'Net');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /^wrote .*web\/model\.stride$/m);
    assert.match(r.stderr, /^wrote .*web\/model\.weights\/Net \(weights of \d+ layers, \d+ values\)$/m);
    const { file: image } = greyImage();
    const p = stride('predict', path.join(tmp, 'web', 'model.stride'), image, '--top', '2');
    assert.equal(p.status, 0, p.stderr);
    assert.equal(classes(p.stdout).length, 2, p.stdout);
  });
});
