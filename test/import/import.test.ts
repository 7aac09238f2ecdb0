// `stride import`: torchvision CNNs exported by PyTorch (batch normalisation kept and fused) and Stride's own ONNX
// export come back as models that check clean with the same parameter totals; malformed files and unsupported
// operators are refused with one clear error.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { onnx } from 'onnx-proto';
import { analyze } from '../../core/analyze';
import { ImportError, importFile } from '../../import/index';
import { initializerCount } from '../export/onnx-helpers';
import { NO_TORCH } from '../export/torch-harness';
import { unsupportedOnnx } from '../helpers/unsupported-onnx';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BIN = path.join(ROOT, 'bin', 'stride.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-import-'));

function stride(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Imports through the CLI and analyses the result: it must check with no diagnostics at all. */
function importClean(file: string, name: string) {
  const r = stride('import', file, '--name', name, '--out', '-');
  assert.equal(r.status, 0, r.stderr);
  const analysis = analyze(r.stdout);
  assert.deepEqual(
    analysis.diagnostics.map((d) => d.message),
    [],
  );
  assert.equal(analysis.models.length, 1);
  assert.equal(analysis.models[0].graph.name ?? name, name);
  return { text: r.stdout, totals: analysis.models[0].totals };
}

const EXPORT_PY = `
import sys, torch, torchvision
torch.manual_seed(0)
name, out, keep = sys.argv[1], sys.argv[2], sys.argv[3] == 'keep'
m = getattr(torchvision.models, name)(weights=None).eval()
# Statistics off their neutral values: otherwise every fused bias is zero and the exporter shares equal ones.
for bn in [x for x in m.modules() if isinstance(x, torch.nn.BatchNorm2d)]:
    bn.running_mean.uniform_(-0.5, 0.5); bn.running_var.uniform_(0.5, 2); bn.bias.data.uniform_(-0.5, 0.5)
kw = dict(training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False) if keep else {}
torch.onnx.export(m, torch.randn(1, 3, 64, 64), out, opset_version=13, **kw)
print(sum(p.numel() for p in m.parameters()) + sum(b.numel() for n, b in m.named_buffers() if 'num_batches' not in n))
`;

function torchExport(net: string, keep: boolean): { file: string; count: number } {
  const file = path.join(tmp, `${net}-${keep ? 'bn' : 'fused'}.onnx`);
  const r = spawnSync('/usr/bin/python3', ['-c', EXPORT_PY, net, file, keep ? 'keep' : 'fused'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return { file, count: Number(r.stdout.trim().split('\n').pop()) };
}

describe('import of torchvision CNNs', { skip: NO_TORCH }, () => {
  for (const net of ['resnet18', 'mobilenet_v2']) {
    test(`${net} with batch normalisation kept: the same totals as torchvision`, () => {
      const { file, count } = torchExport(net, true);
      const { totals, text } = importClean(file, 'Net');
      assert.equal(totals.params, count);
      assert.match(text, /batchnorm\(epsilon: 0\.00001\)/);
      if (net === 'resnet18') assert.match(text, /add\(\w+\)/);
    });
    test(`${net} with batch normalisation fused: the totals of the file's initializers`, () => {
      const { file } = torchExport(net, false);
      const { totals, text } = importClean(file, 'Net');
      assert.equal(totals.params, initializerCount(fs.readFileSync(file)));
      assert.doesNotMatch(text, /batchnorm/);
    });
  }
});

const CONCAT_PY = `
import sys, torch
torch.manual_seed(0)
class Branches(torch.nn.Module):
    def __init__(s):
        super().__init__()
        s.a, s.b = torch.nn.Conv2d(3, 8, 3, padding=1), torch.nn.Conv2d(3, 4, 1)
        s.c, s.fc = torch.nn.Conv2d(12, 6, 3), torch.nn.Linear(6, 5)
    def forward(s, x):
        y = torch.cat([s.a(x), torch.relu(s.b(x))], 1)
        return s.fc(torch.flatten(torch.nn.functional.adaptive_avg_pool2d(s.c(y), 1), 1))
m = Branches().eval()
torch.onnx.export(m, torch.randn(1, 3, 16, 16), sys.argv[1], opset_version=13)
print(sum(p.numel() for p in m.parameters()))
`;

test('two branches concatenated on channels: named branches, concat listing both, the same totals', { skip: NO_TORCH }, () => {
  const file = path.join(tmp, 'branches.onnx');
  const r = spawnSync('/usr/bin/python3', ['-c', CONCAT_PY, file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const { totals, text } = importClean(file, 'Branches');
  assert.equal(totals.params, Number(r.stdout.trim().split('\n').pop()));
  assert.match(text, /^ {2}concat\(a, Relu\) {2}# \/Concat$/m);
  assert.match(text, /^ {2}input_1 -> conv2d\(4, 1\)/m);
});

describe('import of Stride ONNX exports', () => {
  for (const example of ['lenet5', 'shapes']) {
    test(`${example}: export then import keeps the totals`, () => {
      const source = path.join(ROOT, 'examples', `${example}.stride`);
      const onnxFile = path.join(tmp, `${example}.onnx`);
      const r = stride('export', source, '--format', 'onnx', '--out', onnxFile);
      assert.equal(r.status, 0, r.stderr);
      const original = analyze(fs.readFileSync(source, 'utf8')).models[0].totals;
      const { totals } = importClean(onnxFile, 'Back');
      assert.equal(totals.params, original.params);
      assert.equal(totals.trainable, original.trainable);
      assert.equal(totals.macs, original.macs);
    });
  }
  test('the default output is FILE.stride beside the ONNX file, named after it', () => {
    const onnxFile = path.join(tmp, 'lenet5.onnx');
    if (!fs.existsSync(onnxFile)) assert.equal(stride('export', path.join(ROOT, 'examples', 'lenet5.stride'), '--format', 'onnx', '--out', onnxFile).status, 0);
    const r = stride('import', onnxFile);
    assert.equal(r.status, 0, r.stderr);
    const text = fs.readFileSync(path.join(tmp, 'lenet5.stride'), 'utf8');
    assert.match(text, /^model LeNet5 \{$/m);
  });
});

describe('import refusals', () => {
  const lenet = (): Uint8Array => {
    const file = path.join(tmp, 'refuse-lenet.onnx');
    assert.equal(stride('export', path.join(ROOT, 'examples', 'lenet5.stride'), '--format', 'onnx', '--out', file).status, 0);
    return fs.readFileSync(file);
  };
  test('a truncated file is not a valid ONNX model', () => {
    assert.throws(
      () => importFile(lenet().subarray(0, 3000), 'cut.onnx'),
      (e: Error) => e instanceof ImportError && /cut\.onnx is not a valid ONNX model/.test(e.message),
    );
  });
  test('random bytes are not a valid ONNX model, through the CLI with exit status 2', () => {
    const file = path.join(tmp, 'random.onnx');
    let seed = 7;
    fs.writeFileSync(
      file,
      Uint8Array.from({ length: 4096 }, () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) & 255),
    );
    const r = stride('import', file);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /random\.onnx is not a valid ONNX model/);
  });
  test('unsupported operators are listed with their counts and node names', () => {
    assert.throws(
      () => importFile(unsupportedOnnx('Erf'), 'erf.onnx'),
      (e: Error) => e instanceof ImportError && /unsupported ONNX operators:\n {2}Erf ×2: odd_1, odd_2/.test(e.message),
    );
  });
  test('a model Stride exports with operators outside the slice is refused the same way', () => {
    const [source, file] = [path.join(tmp, 'selu.stride'), path.join(tmp, 'selu.onnx')];
    fs.writeFileSync(
      source,
      'model Selu {\n  input(8, 8, 3)\n  conv2d(4, 3, activation: selu)\n  conv2d(4, 3, activation: selu)\n  flatten()\n  dense(2)\n}\n',
    );
    assert.equal(stride('export', source, '--format', 'onnx', '--out', file).status, 0);
    const r = stride('import', file);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unsupported ONNX operators:\n {2}Selu ×2: conv2d_1:Selu, conv2d_2:Selu/);
  });
});
