// Block recovery in `stride import`: torchvision's residual and inverted residual blocks, and a repeated segment of a
// graph without meaningful node names, come back as `block`s whose expansion is the flat import, layer for layer.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { onnx } from 'onnx-proto';
import { analyze } from '../../core/analyze';
import { importFile } from '../../import/index';
import { ort } from '../export/onnx-helpers';
import { NO_TORCH } from '../export/torch-harness';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BIN = path.join(ROOT, 'bin', 'stride.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-blocks-'));

/** The analysis of an imported text, which must check with no diagnostics at all. */
function clean(text: string) {
  const analysis = analyze(text);
  assert.deepEqual(
    analysis.diagnostics.map((d) => d.message),
    [],
  );
  assert.equal(analysis.models.length, 1);
  return analysis.models[0];
}

/** Each lowered layer's kind, output shape and parameter counts, in order: what weights are matched against. */
function layerSequence(model: ReturnType<typeof clean>): string[] {
  return model.layers.map((l) => `${l.node.kind} ${JSON.stringify(l.shape)} ${l.params.trainable}+${l.params.nonTrainable}`);
}

/** Imports `file` with blocks and flat; both check clean and lower to the same layers with the same totals. */
function importBoth(file: string): { text: string; flat: string } {
  const text = importFile(fs.readFileSync(file), file, 'Net');
  const r = spawnSync(process.execPath, [BIN, 'import', file, '--name', 'Net', '--flat', '--out', '-'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const [blocks, flat] = [clean(text), clean(r.stdout)];
  assert.doesNotMatch(r.stdout, /^block /m);
  assert.deepEqual(blocks.totals, flat.totals);
  assert.deepEqual(layerSequence(blocks), layerSequence(flat));
  return { text, flat: r.stdout };
}

/** The names and parameter lists of the recovered blocks. */
const blockHeads = (text: string): string[] => [...text.matchAll(/^block (\w+\([^)]*\))/gm)].map((m) => m[1]);

const EXPORT_PY = `
import sys, torch, torchvision
torch.manual_seed(0)
name, out = sys.argv[1], sys.argv[2]
m = getattr(torchvision.models, name)(weights=None).eval()
torch.onnx.export(m, torch.randn(1, 3, 64, 64), out, opset_version=13, training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False)
`;

function torchExport(net: string): string {
  const file = path.join(tmp, `${net}.onnx`);
  const r = spawnSync('/usr/bin/python3', ['-c', EXPORT_PY, net, file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return file;
}

/** A copy of `file` whose nodes have no names, so only the graph's structure can show its blocks. */
function unnamed(file: string): string {
  const model = onnx.ModelProto.decode(fs.readFileSync(file));
  for (const n of model.graph?.node ?? []) n.name = '';
  const copy = file.replace(/\.onnx$/, '-unnamed.onnx');
  fs.writeFileSync(copy, onnx.ModelProto.encode(model).finish());
  return copy;
}

/** The text without comments, which are all that differs when the blocks are found by structure instead of names. */
const uncommented = (text: string): string => text.replace(/^##.*\n/gm, '').replace(/ {2}#.*$/gm, '');

describe('blocks recovered from torchvision exports', { skip: NO_TORCH }, () => {
  test('resnet18: a basic block with and without downsampling, repeated; the same blocks from structure alone', () => {
    const file = torchExport('resnet18');
    const { text } = importBoth(file);
    assert.equal(uncommented(importBoth(unnamed(file)).text), uncommented(text));
    assert.deepEqual(blockHeads(text), ['residual(filters)', 'residual_projection(filters)']);
    assert.match(text, /^ {2}add\(in\) {2}# Add$/m);
    assert.match(text, /^ {2}in -> conv2d\(filters, 1, stride: 2, bias: false\) {2}# downsample\/downsample\.0\/Conv$/m);
    assert.match(text, /^ {2}residual\(64\) × 2 {2}# \/layer1\/layer1\.0, \/layer1\/layer1\.1$/m);
    assert.match(text, /^ {2}residual_projection\(256\) {2}# \/layer3\/layer3\.0$/m);
    assert.match(text, /^ {2}conv2d\(64, 7, stride: 2, padding: 3, bias: false\) {2}# \/conv1\/Conv$/m);
  });
  test('mobilenet_v2: inverted residuals with widths and stride as parameters; the same from structure alone', () => {
    const file = torchExport('mobilenet_v2');
    const { text, flat } = importBoth(file);
    assert.equal(uncommented(importBoth(unnamed(file)).text), uncommented(text));
    const heads = blockHeads(text);
    // Strided and unstrided units without a shortcut are one block, the stride a parameter.
    assert.deepEqual(heads, ['unit(filters, stride, filters_2)', 'residual(filters, filters_2)']);
    assert.match(text, /^ {2}conv2d\(filters, 3, stride: stride, padding: 1, groups: filters, bias: false\)/m);
    assert.match(text, /^ {2}unit\(96, 2, 24\) {2}# \/features\/features\.2$/m);
    assert.match(text, /^ {2}unit\(384, 1, 96\) {2}# \/features\/features\.11$/m);
    assert.match(text, /^ {2}conv2d\(filters, 3, padding: 1, groups: filters, bias: false\)/m);
    assert.match(text, /^ {2}residual\(384, 64\) × 3 {2}# \/features\/features\.8, \/features\/features\.9, \/features\/features\.10$/m);
    assert.ok(text.split('\n').length < flat.split('\n').length / 2, 'the blocks make the file less than half as long');
  });
});

const DENSE_PY = `
import sys, torch
from collections import OrderedDict
from torchvision.models.densenet import _DenseBlock
torch.manual_seed(0)
block = lambda n: _DenseBlock(num_layers=n, num_input_features=16, bn_size=4, growth_rate=8, drop_rate=0)
# Named as torchvision names DenseNet's modules (no sequential indices); the transition pools with MaxPool, because
# torchvision's average pooling is exported with a Pad node the importer refuses.
features = torch.nn.Sequential(OrderedDict([('conv0', torch.nn.Conv2d(3, 16, 3, padding=1, bias=False)), ('denseblock1', block(3)),
    ('norm1', torch.nn.BatchNorm2d(40)), ('relu1', torch.nn.ReLU()), ('conv1', torch.nn.Conv2d(40, 16, 1, bias=False)),
    ('pool1', torch.nn.MaxPool2d(2)), ('denseblock2', block(4))]))
class Dense(torch.nn.Module):
    def __init__(s):
        super().__init__()
        s.features, s.classifier = features, torch.nn.Linear(48, 10)
    def forward(s, x):
        return s.classifier(torch.flatten(torch.nn.functional.adaptive_avg_pool2d(s.features(x), 1), 1))
m = Dense().eval()
torch.onnx.export(m, torch.randn(1, 3, 16, 16), sys.argv[1], opset_version=13, training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False)
print(sum(p.numel() for p in m.parameters()) + sum(b.numel() for n, b in m.named_buffers() if 'num_batches' not in n))
`;

test('torchvision dense blocks: each dense layer concatenates onto the previous one, a block repeated × N', { skip: NO_TORCH }, () => {
  const file = path.join(tmp, 'dense.onnx');
  const r = spawnSync('/usr/bin/python3', ['-c', DENSE_PY, file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const { text } = importBoth(file);
  assert.equal(clean(text).totals.params, Number(r.stdout.trim().split('\n').pop()));
  assert.deepEqual(blockHeads(text), ['dense_layer()']);
  assert.match(text, /^ {2}concat\(in, conv2\)$/m);
  assert.match(text, /^ {2}dense_layer\(\) × 3 {2}# \/features\/denseblock1\/denselayer1\/norm1, /m);
  assert.match(text, /^ {2}dense_layer\(\) × 4 {2}# \/features\/denseblock2\/denselayer1\/norm1 … /m);
});

/** A float tensor of `dims` filled with small deterministic values, so onnxruntime runs the file for real. */
function initializer(name: string, dims: number[]): onnx.ITensorProto {
  const data = Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_v, i) => Math.sin(i) * 0.1);
  return { name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(data.buffer) };
}

/**
 * Stem, two residual segments of 8 channels, a strided convolution to 16, two residual segments of 16: nodes have no
 * names (the importer calls them `Conv_3`), so only the graph's structure shows the repetition.
 */
function unnamedResidualModel(): Uint8Array {
  const nodes: onnx.INodeProto[] = [];
  const inits: onnx.ITensorProto[] = [];
  let n = 0;
  const conv = (x: string, cin: number, cout: number, stride: number): string => {
    const [w, b, y] = [`w${n}`, `b${n}`, `t${n++}`];
    inits.push(initializer(w, [cout, cin, 3, 3]), initializer(b, [cout]));
    const attribute = [
      { name: 'pads', type: 7, ints: [1, 1, 1, 1] },
      { name: 'strides', type: 7, ints: [stride, stride] },
    ];
    nodes.push({ opType: 'Conv', input: [x, w, b], output: [y], attribute });
    return y;
  };
  const op = (opType: string, ...input: string[]): string => {
    nodes.push({ opType, input, output: [`t${n}`] });
    return `t${n++}`;
  };
  const residual = (x: string, c: number): string => op('Relu', op('Add', conv(op('Relu', conv(x, c, c, 1)), c, c, 1), x));
  let x = op('Relu', conv('x', 3, 8, 1));
  x = residual(residual(x, 8), 8);
  x = op('Relu', conv(x, 8, 16, 2));
  x = residual(residual(x, 16), 16);
  const info = (name: string, dims: number[]) => ({ name, type: { tensorType: { elemType: 1, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } });
  nodes.push({ opType: 'Identity', input: [x], output: ['y'] });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    graph: { name: 'g', node: nodes, initializer: inits, input: [info('x', [1, 3, 16, 16])], output: [info('y', [1, 16, 8, 8])] },
  });
  return onnx.ModelProto.encode(model).finish();
}

test('a graph without meaningful node names: the repeated residual segment is found by its structure', async () => {
  const bytes = unnamedResidualModel();
  const file = path.join(tmp, 'unnamed.onnx');
  fs.writeFileSync(file, bytes);
  // The file is a real model: onnxruntime loads and runs it.
  const session = await ort.InferenceSession.create(file);
  const out = await session.run({ x: new ort.Tensor('float32', new Float32Array(3 * 16 * 16), [1, 3, 16, 16]) });
  assert.deepEqual(out.y.dims, [1, 16, 8, 8]);
  const { text } = importBoth(file);
  // The stem and the strided convolution, each with its activation, are the same shape too, but a block of two lines
  // used twice would make the file longer.
  assert.deepEqual(blockHeads(text), ['residual(filters)']);
  assert.match(text, /^ {2}conv2d\(16, 3, stride: 2, padding: 1\) {2}# Conv_12$/m);
  assert.match(text, /^ {2}residual\(8\) × 2 {2}# Conv_2, Conv_7$/m);
  assert.match(text, /^ {2}residual\(16\) × 2 {2}# Conv_14, Conv_19$/m);
  assert.match(text, /^ {2}add\(in\)$/m);
});
