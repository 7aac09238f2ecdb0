// torchvision's DenseNet-121, GoogLeNet and ShuffleNetV2 exported by PyTorch, batch normalisation kept and fused:
// each imports as a model that checks clean with torchvision's totals (kept) or the file's initializer count (fused).

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { analyze } from '../../core/analyze';
import { importFile } from '../../import/index';
import { initializerCount } from '../export/onnx-helpers';
import { NO_TORCH } from '../export/torch-harness';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-torchvision-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const EXPORT_PY = `
import sys, torch, torchvision
torch.manual_seed(0)
name, out, keep = sys.argv[1], sys.argv[2], sys.argv[3] == 'keep'
extra = dict(aux_logits=False, init_weights=True) if name == 'googlenet' else {}
m = getattr(torchvision.models, name)(weights=None, **extra).eval()
# Every statistic and affine parameter off its neutral value: the exporter shares equal tensors, which would make the
# file's own count smaller than the model's.
for bn in [x for x in m.modules() if isinstance(x, torch.nn.BatchNorm2d)]:
    bn.running_mean.uniform_(-0.5, 0.5); bn.running_var.uniform_(0.5, 2)
    bn.bias.data.uniform_(-0.5, 0.5); bn.weight.data.uniform_(0.5, 1.5)
kw = dict(training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False) if keep else {}
torch.onnx.export(m, torch.randn(1, 3, 64, 64), out, opset_version=13, **kw)
print(sum(p.numel() for p in m.parameters()) + sum(b.numel() for n, b in m.named_buffers() if 'num_batches' not in n))
`;

function torchExport(net: string, keep: boolean): { bytes: Buffer; count: number } {
  const file = path.join(tmp, `${net}-${keep ? 'bn' : 'fused'}.onnx`);
  const r = spawnSync('/usr/bin/python3', ['-c', EXPORT_PY, net, file, keep ? 'keep' : 'fused'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return { bytes: fs.readFileSync(file), count: Number(r.stdout.trim().split('\n').pop()) };
}

function clean(text: string) {
  const analysis = analyze(text);
  assert.deepEqual(
    analysis.diagnostics.map((d) => `${d.code}: ${d.message}`),
    [],
  );
  return analysis.models[0].totals;
}

/** Imports flat (one line per layer) and with recovered blocks: both check clean with the same totals and MACs. */
function importClean(bytes: Buffer) {
  const text = importFile(bytes, 'net.onnx', 'Net', { flat: true });
  const totals = clean(text);
  const blocks = importFile(bytes, 'net.onnx', 'Net');
  assert.deepEqual(clean(blocks), totals);
  return { text, blocks, totals };
}

/** What each network's text must show: the layers its distinctive structure becomes. */
const SHOWS: Readonly<Record<string, readonly RegExp[]>> = {
  // Each dense layer concatenates every earlier output of its block, listed by name.
  densenet121: [/concat\(\w+, \w+, \w+\)/, /avgpool2d\(2\)/],
  // Inception branches rejoin with concat; PyTorch pools with ceil_mode.
  googlenet: [/concat\(\w+, \w+, \w+, \w+\)/, /maxpool2d\(3, stride: 2, ceil_mode: true\)/, /maxpool2d\(3, stride: 1, padding: 1, ceil_mode: true\)/],
  // The channel split is two slices, the shuffle one layer (its computed shapes read as numbers, not written).
  shufflenet_v2_x1_0: [/slice\(0, 58\)/, /slice\(58, 116\)/, /channel_shuffle\(2\)/],
};

describe('import of more torchvision CNNs', { skip: NO_TORCH }, () => {
  for (const net of Object.keys(SHOWS)) {
    test(`${net} with batch normalisation kept: torchvision's totals`, () => {
      const { bytes, count } = torchExport(net, true);
      const { text, blocks, totals } = importClean(bytes);
      assert.equal(totals.params, count);
      for (const shape of SHOWS[net]) assert.match(text, shape);
      // Their repeated units (dense layers, inception modules, shuffle units) come back as blocks with calls.
      assert.match(blocks, /^block \w+\(/m);
      assert.ok(blocks.length < text.length * 0.8, 'the file with blocks is shorter');
      // GoogLeNet's BasicConv2d normalises with ε 0.001, the others with PyTorch's default 1e-5.
      assert.match(text, net === 'googlenet' ? /batchnorm\(epsilon: 0\.001\)/ : /batchnorm\(epsilon: 0\.00001\)/);
    });
    test(`${net} with batch normalisation fused: the file's initializer count`, () => {
      const { bytes } = torchExport(net, false);
      const { text, totals } = importClean(bytes);
      assert.equal(totals.params, initializerCount(bytes));
      for (const shape of SHOWS[net]) assert.match(text, shape);
      // DenseNet normalises concatenations, which no convolution precedes to absorb it.
      if (net !== 'densenet121') assert.doesNotMatch(text, /batchnorm/);
    });
  }
});

const OPERATORS_PY = `
import sys, torch
torch.manual_seed(0)
class Ops(torch.nn.Module):
    def __init__(s):
        super().__init__()
        s.a, s.b = torch.nn.Conv2d(3, 8, 3, padding=1), torch.nn.Conv2d(8, 4, 3)
        s.t, s.up = torch.nn.ConvTranspose2d(4, 6, 4, stride=2, padding=1), torch.nn.Upsample(scale_factor=2)
    def forward(s, x):
        y = s.up(torch.nn.functional.leaky_relu(s.a(x), 0.1))
        y = s.t(torch.nn.functional.gelu(s.b(y)))
        return torch.nn.functional.silu(y) * torch.sigmoid(y.mean((2, 3), keepdim=True))
m = Ops().eval()
torch.onnx.export(m, torch.randn(1, 3, 16, 16), sys.argv[1], opset_version=13)
print(sum(p.numel() for p in m.parameters()))
`;

test('PyTorch leaky ReLU, nearest upsampling, gelu, transposed convolution, SiLU and a sigmoid gate: one layer each', { skip: NO_TORCH }, () => {
  const file = path.join(tmp, 'ops.onnx');
  const r = spawnSync('/usr/bin/python3', ['-c', OPERATORS_PY, file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const { text, totals } = importClean(fs.readFileSync(file));
  assert.equal(totals.params, Number(r.stdout.trim().split('\n').pop()));
  const calls = [...text.matchAll(/^ {2}(?:\w+ = )?(?:\w+ -> )?(\w+\(.*?\))(?= {2}#|$)/gm)].map((m) => m[1]);
  assert.deepEqual(calls, [
    'input(16, 16, 3)',
    'conv2d(8, 3, padding: 1)',
    'leaky_relu(alpha: 0.1)',
    'upsample2d(2)',
    'conv2d(4, 3)',
    'gelu()',
    'conv2d_transpose(6, 4, stride: 2, padding: 1)',
    'swish()',
    'globalavgpool2d(keepdims: true)',
    'sigmoid()',
    'multiply(Mul_2)',
  ]);
});
