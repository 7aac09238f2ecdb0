// `stride import --weights-out` on torchvision's DenseNet-121, GoogLeNet and ShuffleNetV2 (batch normalisation kept and
// fused) and on a PyTorch model of the other weighted operators (a transposed convolution among them): loaded into
// Stride's tfjs model the way predict loads them, and re-exported to ONNX, they compute what onnxruntime computes on
// the original file.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../train/node/backends/select';
import { NO_TORCH } from '../export/torch-harness';
import { maxDiff, runOrt, runStride, stride, torchExports } from './compare-harness';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-weights-nets-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const EXPORT_PY = `
import sys, torch, torchvision
class Ops(torch.nn.Module):
    # The weighted operators the torchvision nets lack: a transposed convolution, and convolutions around gelu,
    # SiLU and a sigmoid gate.
    def __init__(s):
        super().__init__()
        s.a, s.b = torch.nn.Conv2d(3, 8, 3, padding=1), torch.nn.Conv2d(8, 4, 3)
        s.t, s.up = torch.nn.ConvTranspose2d(4, 6, 4, stride=2, padding=1), torch.nn.Upsample(scale_factor=2)
        s.fc = torch.nn.Linear(6, 5)
    def forward(s, x):
        y = s.up(torch.nn.functional.leaky_relu(s.a(x), 0.1))
        y = s.t(torch.nn.functional.gelu(s.b(y)))
        y = torch.nn.functional.silu(y) * torch.sigmoid(y.mean((2, 3), keepdim=True))
        return s.fc(torch.flatten(torch.nn.functional.adaptive_avg_pool2d(y, 1), 1))
def export(name, out, keep, size):
    torch.manual_seed(0)
    extra = dict(aux_logits=False, init_weights=True) if name == 'googlenet' else {}
    m = (Ops() if name == 'ops' else getattr(torchvision.models, name)(weights=None, **extra)).eval()
    # Statistics and affine parameters off their neutral values, so a misplaced one shows in the outputs.
    for bn in [x for x in m.modules() if isinstance(x, torch.nn.BatchNorm2d)]:
        bn.running_mean.uniform_(-0.5, 0.5); bn.running_var.uniform_(0.5, 2); bn.bias.data.uniform_(-0.5, 0.5); bn.weight.data.uniform_(0.5, 1.5)
    kw = dict(training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False) if keep == 'kept' else {}
    torch.onnx.export(m, torch.randn(1, 3, size, size), out, opset_version=13, **kw)
# One process for every file: importing torch costs seconds.
for job in sys.argv[1:]:
    name, out, keep, size = job.split(',')
    export(name, out, keep, int(size))
`;

/** The nets, how batch normalisation is exported, and the input size (the smallest each net's pooling allows, or near). */
const CASES: readonly [string, 'kept' | 'fused', number][] = [
  ['densenet121', 'kept', 64],
  ['densenet121', 'fused', 64],
  ['googlenet', 'kept', 64],
  ['googlenet', 'fused', 64],
  ['shufflenet_v2_x1_0', 'kept', 64],
  ['shufflenet_v2_x1_0', 'fused', 64],
  ['ops', 'fused', 16],
];
const fileOf = (net: string, mode: string) => path.join(tmp, `${net}-${mode}.onnx`);
const torchExport = torchExports(EXPORT_PY, CASES, fileOf);

describe('torchvision nets imported with their weights compute what onnxruntime computes', { skip: NO_TORCH }, () => {
  before(() => selectBackend({ warn: () => undefined }));
  for (const [net, mode, size] of CASES) {
    test(`${net}, batch normalisation ${mode}: tfjs and the re-exported ONNX equal the original`, async () => {
      const file = torchExport(net, mode);
      const source = file.replace(/\.onnx$/, '.stride');
      const dir = file.replace(/\.onnx$/, '.weights');
      // Blocks are recovered (the default): the weights follow the layers in the order the blocks expand to.
      const r = stride('import', file, '--name', 'Net', '--out', source, '--weights-out', dir);
      assert.equal(r.status, 0, r.stderr);
      const text = fs.readFileSync(source, 'utf8');
      if (net !== 'ops') assert.match(text, /^block \w+\(/m);
      if (net !== 'densenet121' && net !== 'ops') assert.equal(/batchnorm/.test(text), mode === 'kept');
      const x = tf.randomUniform([1, size, size, 3], -1, 1, 'float32', 7) as tf.Tensor4D;
      const want = await runOrt(file, x, true);
      const inTfjs = maxDiff(runStride(text, dir, x), want);
      assert.ok(inTfjs.diff <= 1e-4, `tfjs: max abs diff ${inTfjs.diff} (largest output ${inTfjs.scale})`);
      assert.ok(inTfjs.scale > 1e-2, `outputs too small to tell anything (largest ${inTfjs.scale})`);
      const again = path.join(tmp, `${net}-${mode}-again.onnx`);
      const e = stride('export', source, '--format', 'onnx', '--weights', dir, '--out', again);
      assert.equal(e.status, 0, e.stderr);
      const reexported = maxDiff(await runOrt(again, x, false), want);
      assert.ok(reexported.diff <= 1e-4, `re-exported ONNX: max abs diff ${reexported.diff}`);
      x.dispose();
    });
  }
});
