// Graphs with several outputs or inputs: a PyTorch module with two heads and an auxiliary classifier exported by
// torch.onnx.export imports with `output(…)` in the file's order and its weights (every output equal in onnxruntime
// and in Stride), a two-input model round-trips with its weights, and outputs Stride cannot declare are refused.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { onnx } from 'onnx-proto';
import { analyze } from '../../core/analyze';
import { ImportError, importFile, importOnnxModel } from '../../import/index';
import { writeWeightsFolder } from '../../import/weights-out';
import { buildModel } from '../../train/model-builder';
import { selectBackend } from '../../train/node/backends/select';
import { loadWeightsInto } from '../../train/node/weights';
import { exportWithWeights, modelOf, ort } from '../export/onnx-helpers';
import { lowered } from '../helpers/training';
import { NO_TORCH } from '../export/torch-harness';
import { maxDiff, runOrtOutputs, runStrideOutputs, stride, torchExports } from './compare-harness';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-multi-output-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const EXPORT_PY = `
import sys, torch
class Unit(torch.nn.Module):
    def __init__(s, c):
        super().__init__()
        s.conv1, s.bn1 = torch.nn.Conv2d(c, c, 3, padding=1, bias=False), torch.nn.BatchNorm2d(c)
        s.conv2, s.bn2 = torch.nn.Conv2d(c, c, 3, padding=1, bias=False), torch.nn.BatchNorm2d(c)
    def forward(s, x):
        return torch.relu(x + s.bn2(s.conv2(torch.relu(s.bn1(s.conv1(x))))))
class Heads(torch.nn.Module):
    # A shared residual trunk, a class head and a box head on it, and an auxiliary classifier on the stem: the
    # auxiliary output is computed first but listed last.
    def __init__(s):
        super().__init__()
        s.stem, s.trunk = torch.nn.Conv2d(3, 8, 3, padding=1), torch.nn.Sequential(Unit(8), Unit(8), Unit(8))
        s.scores, s.boxes, s.aux = torch.nn.Linear(8, 3), torch.nn.Conv2d(8, 4, 1), torch.nn.Linear(8, 5)
    def forward(s, x):
        x = torch.relu(s.stem(x))
        aux = s.aux(x.mean((2, 3)))
        y = s.trunk(x)
        return s.scores(torch.flatten(torch.nn.functional.adaptive_avg_pool2d(y, 1), 1)), s.boxes(y), aux
for job in sys.argv[1:]:
    _, out, keep, size = job.split(',')
    torch.manual_seed(0)
    m = Heads().eval()
    for bn in [x for x in m.modules() if isinstance(x, torch.nn.BatchNorm2d)]:
        bn.running_mean.uniform_(-0.5, 0.5); bn.running_var.uniform_(0.5, 2); bn.bias.data.uniform_(-0.5, 0.5); bn.weight.data.uniform_(0.5, 1.5)
    kw = dict(training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False) if keep == 'kept' else {}
    names = dict(input_names=['image'], output_names=['scores', 'boxes', 'aux'])
    torch.onnx.export(m, torch.randn(1, 3, int(size), int(size)), out, opset_version=13, **names, **kw)
`;

const CASES: readonly [string, 'kept' | 'fused', number][] = [
  ['heads', 'kept', 16],
  ['heads', 'fused', 16],
];
const fileOf = (net: string, mode: string) => path.join(tmp, `${net}-${mode}.onnx`);
const torchExport = torchExports(EXPORT_PY, CASES, fileOf);

/** Each output of `got` equals the one of `want` at the same position to 1e-4, and says something (not all near zero). */
function assertSameOutputs(got: readonly Float32Array[], want: readonly Float32Array[], what: string): void {
  assert.equal(got.length, want.length, `${what}: number of outputs`);
  want.forEach((w, k) => {
    const { diff, scale } = maxDiff(got[k], w);
    assert.ok(diff <= 1e-4, `${what}, output ${k}: max abs diff ${diff} (largest ${scale})`);
    assert.ok(scale > 1e-2, `${what}, output ${k}: outputs too small to tell anything (largest ${scale})`);
  });
}

describe('a PyTorch module with two heads and an auxiliary classifier', { skip: NO_TORCH }, () => {
  before(() => selectBackend({ warn: () => undefined }));
  for (const [net, mode, size] of CASES) {
    test(`batch normalisation ${mode}: output(scores, boxes, aux), blocks on the trunk, every output equal`, async () => {
      const file = torchExport(net, mode);
      const [source, dir] = [file.replace(/\.onnx$/, '.stride'), file.replace(/\.onnx$/, '.weights')];
      const r = stride('import', file, '--name', 'Heads', '--out', source, '--weights-out', dir);
      assert.equal(r.status, 0, r.stderr);
      const text = fs.readFileSync(source, 'utf8');
      assert.deepEqual(analyze(text).diagnostics, []);
      assert.match(text, /^ {2}output\(scores, boxes, aux\)$/m);
      // The trunk's three residual units are one block called three times, on the tensor the auxiliary head also reads.
      assert.match(text, /^block residual\(\) \{$/m);
      assert.match(text, /^ {2}\w+ = \w+ -> residual\(\) × 3 {2}# \/trunk\/trunk\.0, \/trunk\/trunk\.1, \/trunk\/trunk\.2$/m);
      const x = tf.randomUniform([1, size, size, 3], -1, 1, 'float32', 7) as tf.Tensor4D;
      const want = await runOrtOutputs(file, x, true);
      assertSameOutputs(runStrideOutputs(text, dir, x), want, 'tfjs');
      // Re-exported by Stride, the file lists the same outputs in the same order.
      const again = file.replace(/\.onnx$/, '-again.onnx');
      const e = stride('export', source, '--format', 'onnx', '--weights', dir, '--out', again);
      assert.equal(e.status, 0, e.stderr);
      assert.deepEqual(
        onnx.ModelProto.decode(fs.readFileSync(again)).graph?.output?.map((o) => o.name),
        ['scores', 'boxes', 'aux'],
      );
      assertSameOutputs(await runOrtOutputs(again, x, false), want, 're-exported ONNX');
      x.dispose();
    });
  }
});

const HEADS = `model Heads {
  input(8, 8, 3)
  trunk = conv2d(4, 3)
  a = trunk -> conv2d(2, 1)
  b = trunk -> conv2d(3, 1)
  c = trunk -> conv2d(5, 1)
  output(a, b, c)
}
`;

/** Stride's ONNX export of `text`, decoded. */
function exported(name: string, text: string): onnx.ModelProto {
  const [source, file] = [path.join(tmp, `${name}.stride`), path.join(tmp, `${name}.onnx`)];
  fs.writeFileSync(source, text);
  const r = stride('export', source, '--format', 'onnx', '--out', file);
  assert.equal(r.status, 0, r.stderr);
  return onnx.ModelProto.decode(fs.readFileSync(file));
}

const refused = (model: onnx.ModelProto, why: RegExp) =>
  assert.throws(
    () => importFile(onnx.ModelProto.encode(model).finish(), 'heads.onnx', 'Heads'),
    (e: Error) => e instanceof ImportError && why.test(e.message),
  );

const PAIR = `model Pair {
  left = input(8, 8, 3)
  right = input(8, 8, 3)
  a = left -> conv2d(4, 3) -> relu()
  right -> conv2d(4, 3) -> relu()
  add(a)
  conv2d(6, 3)
  scores = globalavgpool2d() -> dense(3)
  output(scores, a)
}
`;

describe('several outputs and inputs written by Stride', () => {
  before(() => selectBackend({ warn: () => undefined }));
  test('three outputs of one trunk come back named, in order', () => {
    const text = importFile(onnx.ModelProto.encode(exported('heads', HEADS)).finish(), 'heads.onnx', 'Back');
    assert.deepEqual(analyze(text).diagnostics, []);
    assert.match(text, /^ {2}output\(a, b, c\)$/m);
  });

  test('a layer that reaches no output, and two outputs that are one tensor, are refused', () => {
    const dropped = exported('heads', HEADS);
    (dropped.graph as onnx.GraphProto).output.pop();
    refused(dropped, /^node 'c:Conv' leads to none of the graph outputs \(a, b\)$/);
    const twice = exported('heads', HEADS);
    const g = twice.graph as onnx.GraphProto;
    g.node.push(onnx.NodeProto.create({ opType: 'Identity', name: 'again', input: ['a'], output: ['a_again'] }));
    g.output.push(onnx.ValueInfoProto.create({ name: 'a_again', type: g.output[0].type }));
    refused(twice, /^the graph outputs 'a' and 'a_again' are the same tensor; Stride declares each output once$/);
  });

  test('two image inputs and two outputs round-trip with the same totals and, with the weights, the same outputs', async () => {
    const { model, text: source } = modelOf(PAIR);
    const { bytes, tfModel } = exportWithWeights(model, source, false, true);
    tfModel.dispose();
    const imported = importOnnxModel(bytes, 'pair.onnx', 'Back');
    const back = analyze(imported.text);
    assert.deepEqual(back.diagnostics, []);
    assert.match(imported.text, /^ {2}left = input\(8, 8, 3\)\n {2}right = input\(8, 8, 3\)$/m);
    assert.match(imported.text, /^ {2}output\(scores, a\)$/m);
    assert.deepEqual(back.models[0].totals, model.totals);
    const dir = path.join(tmp, 'pair.weights');
    await writeWeightsFolder(imported, 'Back', dir);
    const mine = buildModel(lowered(back.models[0]));
    loadWeightsInto(mine, dir);
    const xs = [1, 2].map((seed) => tf.randomUniform([1, 8, 8, 3], -1, 1, 'float32', seed));
    const got = tf.tidy(() => [mine.predict(xs)].flat().map((y) => y.dataSync() as Float32Array));
    mine.dispose();
    const session = await ort.InferenceSession.create(bytes);
    const feeds = Object.fromEntries(['left', 'right'].map((n, k) => [n, new ort.Tensor('float32', xs[k].dataSync() as Float32Array, [1, 8, 8, 3])]));
    const out = await session.run(feeds);
    tf.dispose(xs);
    assertSameOutputs(
      got,
      session.outputNames.map((n) => out[n].data as Float32Array),
      'two inputs',
    );
  });
});
