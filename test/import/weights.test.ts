// `stride import --weights-out`: torchvision CNNs exported by PyTorch (batch normalisation kept and fused) come back
// with their weights; loaded into Stride's tfjs model the way predict loads them, and re-exported to ONNX, they compute
// what onnxruntime computes on the original file. Weights that do not fit the text are refused.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { onnx } from 'onnx-proto';
import { PNG } from 'pngjs';
import { ImportError, importOnnxModel } from '../../import/index';
import { writeWeightsFolder } from '../../import/weights-out';
import { selectBackend } from '../../train/node/backends/select';
import { NO_TORCH } from '../export/torch-harness';
import { maxDiff, runOrt, runStride, stride, torchExports } from './compare-harness';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-import-weights-'));

const EXPORT_PY = `
import sys, torch, torchvision
class Flat(torch.nn.Module):
    # A classifier on a flattened 3x3 map: its dense rows follow PyTorch's (C, H, W) order.
    def __init__(s):
        super().__init__()
        s.c1, s.bn, s.c2 = torch.nn.Conv2d(3, 8, 3, padding=1, bias=False), torch.nn.BatchNorm2d(8), torch.nn.Conv2d(8, 6, 3, stride=2)
        s.fc = torch.nn.Linear(6 * 3 * 3, 5)
    def forward(s, x):
        x = torch.nn.functional.max_pool2d(torch.relu(s.bn(s.c1(x))), 2)
        return s.fc(torch.flatten(torch.relu(s.c2(x)), 1))
def export(name, out, mode, size):
    torch.manual_seed(0)
    m = (Flat() if name == 'flat' else getattr(torchvision.models, name)(weights=None)).eval()
    # Statistics and offsets off their neutral values, so a misplaced one shows in the outputs; left neutral
    # ('shared'), every fused bias is zero and the exporter shares one initializer between convolutions of a size.
    for bn in [x for x in m.modules() if isinstance(x, torch.nn.BatchNorm2d) and mode != 'shared']:
        bn.running_mean.uniform_(-0.5, 0.5); bn.running_var.uniform_(0.5, 2); bn.bias.data.uniform_(-0.5, 0.5); bn.weight.data.uniform_(0.5, 1.5)
    kw = dict(training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False) if mode == 'kept' else {}
    torch.onnx.export(m, torch.randn(1, 3, size, size), out, opset_version=13, **kw)
# One process for every file: importing torch costs seconds.
for job in sys.argv[1:]:
    export(*job.split(',')[:3], int(job.split(',')[3]))
`;

/** Batch normalisation kept, fused, or fused from neutral statistics (initializers shared between nodes). */
type Mode = 'kept' | 'fused' | 'shared';

/** The models the tests use: a torchvision model or `flat`, how batch normalisation is exported, the input size. */
const CASES: readonly [string, Mode, number][] = [
  ['resnet18', 'kept', 64],
  ['resnet18', 'fused', 64],
  ['resnet18', 'shared', 64],
  ['mobilenet_v2', 'kept', 64],
  ['mobilenet_v2', 'fused', 64],
  ['flat', 'kept', 16],
  ['flat', 'fused', 16],
];
const fileOf = (net: string, mode: string) => path.join(tmp, `${net}-${mode}.onnx`);
const torchExport = torchExports(EXPORT_PY, CASES, fileOf);

/** Seeded values in [−1, 1], NHWC. */
const inputOf = (size: number) => tf.randomUniform([1, size, size, 3], -1, 1, 'float32', 7) as tf.Tensor4D;

/** Imports through the CLI with --weights-out; returns the text and the folder. */
function importWithWeights(file: string, name: string): { text: string; dir: string; stride: string } {
  const out = file.replace(/\.onnx$/, '.stride');
  const dir = file.replace(/\.onnx$/, '.weights');
  const r = stride('import', file, '--name', name, '--out', out, '--weights-out', dir);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`wrote ${dir.replace(/[.]/g, '\\.')} \\(weights of \\d+ layers, \\d+ values\\)`));
  return { text: fs.readFileSync(out, 'utf8'), dir, stride: out };
}

/** How many initializers more than one node reads. */
function sharedInitializers(file: string): number {
  const g = onnx.ModelProto.decode(fs.readFileSync(file)).graph!;
  const uses = (name: string) => g.node!.filter((n) => n.input!.includes(name)).length;
  return g.initializer!.filter((t) => uses(t.name!) > 1).length;
}

describe('imported weights compute what onnxruntime computes on the original file', { skip: NO_TORCH }, () => {
  before(() => selectBackend({ warn: () => undefined }));
  for (const [net, mode, size] of CASES) {
    const how = { kept: 'kept', fused: 'fused', shared: 'fused, initializers shared' }[mode];
    test(`${net} with batch normalisation ${how}: tfjs and the re-exported ONNX equal the original`, async () => {
      const file = torchExport(net, mode);
      if (mode === 'shared') assert.ok(sharedInitializers(file) > 0, 'the exporter shared no initializer');
      const { text, dir, stride: source } = importWithWeights(file, 'Net');
      assert.equal(/batchnorm/.test(text), mode === 'kept');
      const x = inputOf(size);
      const want = await runOrt(file, x, true);
      const inTfjs = maxDiff(runStride(text, dir, x), want);
      assert.ok(inTfjs.diff <= 1e-4, `tfjs: max abs diff ${inTfjs.diff} (largest output ${inTfjs.scale})`);
      assert.ok(inTfjs.scale > 1e-2, `outputs too small to tell anything (largest ${inTfjs.scale})`);
      const again = path.join(tmp, `${net}-${mode}-again.onnx`);
      const r = stride('export', source, '--format', 'onnx', '--weights', dir, '--out', again);
      assert.equal(r.status, 0, r.stderr);
      const reexported = maxDiff(await runOrt(again, x, false), want);
      assert.ok(reexported.diff <= 1e-4, `re-exported ONNX: max abs diff ${reexported.diff}`);
      x.dispose();
    });
  }
});

/** The small classifier with batch normalisation kept, for the tests below. */
const flatFile = () => torchExport('flat', 'kept');

/** A 16×16 RGB image of seeded pixels, and the same pixels as the model input predict makes of it (NHWC, /255). */
function image(): { file: string; x: tf.Tensor4D } {
  const png = new PNG({ width: 16, height: 16 });
  let seed = 11;
  const rgb: number[] = [];
  for (let p = 0; p < 256; p++) {
    for (let c = 0; c < 3; c++) rgb.push((png.data[p * 4 + c] = (seed = (seed * 1103515245 + 12345) % 2 ** 31) >> 23));
    png.data[p * 4 + 3] = 255;
  }
  const file = path.join(tmp, 'img.png');
  fs.writeFileSync(file, PNG.sync.write(png));
  return {
    file,
    x: tf.tensor4d(
      rgb.map((v) => v / 255),
      [1, 16, 16, 3],
    ),
  };
}

describe('imported weights through the CLI and refused weights', { skip: NO_TORCH }, () => {
  before(() => selectBackend({ warn: () => undefined }));

  test('stride predict --weights DIR on an imported model gives onnxruntime’s top classes', async () => {
    const { dir, stride: source } = importWithWeights(flatFile(), 'Flat');
    const { file, x } = image();
    const logits = Array.from(await runOrt(flatFile(), x, true));
    const exp = logits.map((v) => Math.exp(v - Math.max(...logits)));
    const top = exp
      .map((e, i) => ({ i, p: (100 * e) / exp.reduce((a, b) => a + b, 0) }))
      .sort((a, b) => b.p - a.p)
      .slice(0, 3);
    const r = stride('predict', source, file, '--weights', dir, '--top', '3');
    assert.equal(r.status, 0, r.stderr);
    const got = [...r.stdout.matchAll(/(\d+) ([\d.]+)%/g)].map((m) => ({ i: Number(m[1]), p: Number(m[2]) }));
    assert.deepEqual(
      got.map((g) => g.i),
      top.map((t) => t.i),
      r.stdout,
    );
    got.forEach((g, k) => assert.ok(Math.abs(g.p - top[k].p) <= 0.051, `${r.stdout} vs ${top[k].p}`));
  });

  test('with --no-weights no weights folder is written', () => {
    const before = fs.readdirSync(tmp).length;
    const out = path.join(tmp, 'text-only.stride');
    assert.equal(stride('import', flatFile(), '--out', out, '--no-weights').status, 0);
    assert.equal(fs.readdirSync(tmp).length, before + 1);
  });
});

describe('imported weights refused before anything is written', { skip: NO_TORCH }, () => {
  before(() => selectBackend({ warn: () => undefined }));

  test('a layer whose weight shape differs from the file is refused by name, kind and line; the folder is kept', async () => {
    const imported = importOnnxModel(fs.readFileSync(flatFile()), 'flat.onnx', 'Flat');
    const dir = path.join(tmp, 'kept.weights');
    await writeWeightsFolder(imported, 'Flat', dir);
    const saved = fs.readFileSync(path.join(dir, 'weights.bin'));
    const text = imported.text.replace(/conv2d\(6, 3, stride: 2\)/, 'conv2d(6, (3, 2), stride: 2)');
    assert.notEqual(text, imported.text);
    await assert.rejects(
      writeWeightsFolder({ ...imported, text }, 'Flat', dir),
      (e: Error) =>
        e instanceof ImportError &&
        /^layer '\w+' \(conv2d, line \d+\): weight '\w+\/kernel' has shape \(3, 2, 8, 6\) but Conv node '[^']+' in the file gives \(3, 3, 8, 6\)$/.test(
          e.message,
        ),
    );
    assert.deepEqual(fs.readFileSync(path.join(dir, 'weights.bin')), saved);
  });

  test('a text with another number of layers with weights is refused', async () => {
    const imported = importOnnxModel(fs.readFileSync(flatFile()), 'flat.onnx', 'Flat');
    const text = imported.text.replace(/^(\s*)(dense\(5\))/m, '$1dense(54)\n$1$2');
    await assert.rejects(
      writeWeightsFolder({ ...imported, text }, 'Flat', path.join(tmp, 'never.weights')),
      /model 'Flat' has 5 layers with weights but the file holds weights for 4/,
    );
    assert.equal(fs.existsSync(path.join(tmp, 'never.weights')), false);
  });

  test('weights of another data type than float32 are refused with the node and tensor named', () => {
    const model = onnx.ModelProto.decode(fs.readFileSync(flatFile()));
    const conv = model.graph!.node!.find((n) => n.opType === 'Conv')!;
    const weight = model.graph!.initializer!.find((t) => t.name === conv.input![1])!;
    // A real double tensor: the same values, eight bytes each.
    const raw = weight.rawData!;
    const floats = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length));
    weight.rawData = new Uint8Array(Float64Array.from(floats).buffer);
    weight.dataType = onnx.TensorProto.DataType.DOUBLE;
    assert.throws(
      () => importOnnxModel(onnx.ModelProto.encode(model).finish(), 'double.onnx'),
      (e: Error) => e instanceof ImportError && /^Conv node '[^']+': weight '[^']+' is DOUBLE; only FLOAT \(float32\) weights are imported$/.test(e.message),
    );
  });
});

test('Stride’s own ONNX export (channels-last, transposed before flatten) comes back with the same outputs', async () => {
  await selectBackend({ warn: () => undefined });
  const file = path.join(tmp, 'lenet5.onnx');
  const r = stride('export', path.join(ROOT, 'examples', 'lenet5.stride'), '--format', 'onnx', '--logits', '--out', file);
  assert.equal(r.status, 0, r.stderr);
  const { text, dir } = importWithWeights(file, 'Back');
  const x = tf.randomUniform([1, 28, 28, 1], 0, 1, 'float32', 5) as tf.Tensor4D;
  const { diff, scale } = maxDiff(runStride(text, dir, x), await runOrt(file, x, false));
  assert.ok(diff <= 1e-4 && scale > 1e-2, `max abs diff ${diff} (largest output ${scale})`);
  x.dispose();
});

test('--weights-out into a folder Stride did not write is refused and the folder left alone', () => {
  const file = path.join(tmp, 'lenet5-foreign.onnx');
  assert.equal(stride('export', path.join(ROOT, 'examples', 'lenet5.stride'), '--format', 'onnx', '--out', file).status, 0);
  const foreign = path.join(tmp, 'foreign');
  fs.mkdirSync(foreign);
  fs.writeFileSync(path.join(foreign, 'notes.txt'), 'mine');
  const r = stride('import', file, '--weights-out', foreign);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /is not a weights folder Stride wrote \(it holds notes\.txt\)/);
  assert.deepEqual(fs.readdirSync(foreign), ['notes.txt']);
});
