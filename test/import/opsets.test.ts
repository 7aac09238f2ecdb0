// ONNX operator sets: the same network exported by PyTorch at opsets 9, 11, 13 and 17 imports as the same model; an
// opset-18 graph (ReduceMean's axes moved from an attribute to an input) runs in onnxruntime and imports too; opsets
// outside 9–20 are refused with one error naming the opset.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { onnx } from 'onnx-proto';
import { analyze } from '../../core/analyze';
import { ImportError, importFile } from '../../import/index';
import { initializerCount, ort } from '../export/onnx-helpers';
import { NO_TORCH } from '../export/torch-harness';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-opsets-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const OPSETS = [9, 11, 13, 17];

const EXPORT_PY = `
import sys, torch, torchvision
torch.manual_seed(0)
m = torchvision.models.resnet18(weights=None, num_classes=10).eval()
for bn in [x for x in m.modules() if isinstance(x, torch.nn.BatchNorm2d)]:
    bn.running_mean.uniform_(-0.5, 0.5); bn.running_var.uniform_(0.5, 2)
    bn.bias.data.uniform_(-0.5, 0.5); bn.weight.data.uniform_(0.5, 1.5)
for opset in map(int, sys.argv[2:]):
    torch.onnx.export(m, torch.randn(1, 3, 32, 32), f'{sys.argv[1]}/resnet18-{opset}.onnx', opset_version=opset)
`;

/** The layer calls of a `.stride` text, without the comments that name the ONNX nodes (their names vary by opset). */
const calls = (text: string): string =>
  text
    .split('\n')
    .filter((l) => !/^\s*#/.test(l))
    .map((l) => l.replace(/\s+#.*$/, ''))
    .join('\n');

function checkClean(text: string) {
  const analysis = analyze(text);
  assert.deepEqual(
    analysis.diagnostics.map((d) => d.message),
    [],
  );
  return analysis.models[0].totals;
}

describe('ResNet-18 exported by PyTorch at several opsets', { skip: NO_TORCH }, () => {
  test('imports as one and the same model, with the totals of each file', () => {
    const r = spawnSync('/usr/bin/python3', ['-c', EXPORT_PY, tmp, ...OPSETS.map(String)], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const texts = OPSETS.map((opset) => {
      const bytes = fs.readFileSync(path.join(tmp, `resnet18-${opset}.onnx`));
      const text = importFile(bytes, `resnet18-${opset}.onnx`, 'ResNet18');
      assert.equal(checkClean(text).params, initializerCount(bytes), `opset ${opset}`);
      return calls(text);
    });
    for (let i = 1; i < texts.length; i++) assert.equal(texts[i], texts[0], `opset ${OPSETS[i]} against opset ${OPSETS[0]}`);
    assert.match(texts[0], /^block \w+\(/m);
  });
});

const F = onnx.TensorProto.DataType.FLOAT;

function tensor(name: string, dims: number[], values: number[], type = F): onnx.ITensorProto {
  return type === F ? { name, dims, dataType: F, floatData: values } : { name, dims, dataType: type, int64Data: values };
}

function valueInfo(name: string, dims: number[]): onnx.IValueInfoProto {
  return { name, type: { tensorType: { elemType: F, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } };
}

/** Conv → Relu → ReduceMean over (H, W) with its axes as an input, as opset 18 writes it → Gemm. */
function reduceMeanModel(opset: number): Uint8Array {
  const seq = (n: number) => Array.from({ length: n }, (_, i) => Math.sin(i + 1) / 4);
  const graph: onnx.IGraphProto = {
    name: 'pooled',
    input: [valueInfo('x', [1, 3, 8, 8])],
    output: [valueInfo('y', [1, 5])],
    initializer: [
      tensor('w', [4, 3, 3, 3], seq(108)),
      tensor('b', [4], seq(4)),
      tensor('axes', [2], [2, 3], onnx.TensorProto.DataType.INT64),
      tensor('fc', [5, 4], seq(20)),
      tensor('fcb', [5], seq(5)),
    ],
    node: [
      { opType: 'Conv', name: 'conv', input: ['x', 'w', 'b'], output: ['c'], attribute: [{ name: 'pads', type: 7, ints: [1, 1, 1, 1] }] },
      { opType: 'Relu', name: 'relu', input: ['c'], output: ['r'] },
      { opType: 'ReduceMean', name: 'mean', input: ['r', 'axes'], output: ['m'], attribute: [{ name: 'keepdims', type: 2, i: 0 }] },
      { opType: 'Gemm', name: 'fc', input: ['m', 'fc', 'fcb'], output: ['y'], attribute: [{ name: 'transB', type: 2, i: 1 }] },
    ],
  };
  return onnx.ModelProto.encode({ irVersion: 8, opsetImport: [{ domain: '', version: opset }], graph }).finish();
}

describe('opsets beyond what PyTorch writes here', () => {
  test('an opset-18 ReduceMean with its axes as an input runs in onnxruntime and imports as global pooling', async () => {
    const bytes = reduceMeanModel(18);
    const session = await ort.InferenceSession.create(bytes);
    const out = await session.run({ x: new ort.Tensor('float32', new Float32Array(3 * 64).fill(0.5), [1, 3, 8, 8]) });
    assert.deepEqual(out.y.dims, [1, 5]);
    const text = importFile(bytes, 'pooled.onnx', 'Pooled');
    assert.equal(checkClean(text).params, initializerCount(bytes) - 2);
    assert.match(calls(text), /relu\(\)\n\s+globalavgpool2d\(\)\n\s+dense\(5\)/);
  });

  test('opsets outside 9–20 are refused with one error naming the opset', () => {
    for (const opset of [8, 21]) {
      assert.throws(
        () => importFile(reduceMeanModel(opset), 'old.onnx'),
        (e: Error) => e instanceof ImportError && e.message === `old.onnx uses ONNX opset ${opset}; opsets 9–20 are supported`,
      );
    }
  });
});
