// Every example file analyses; the reference networks have their published parameter counts.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { analyze, type Analysis } from '../../core/analyze';
import { DIAGNOSTIC_CODES } from '../../core/diagnostics';
import { EXAMPLES, strideFiles } from '../helpers/fixtures';
import { analysisProblems } from '../helpers/invariants';

const load = (name: string): Analysis => analyze(fs.readFileSync(path.join(EXAMPLES, name), 'utf8'));

/** Published totals: torchvision counts trainable parameters; Keras adds batch-norm moving statistics. */
const REFERENCE = [
  { file: 'vgg16.stride', model: 'VGG16', trainable: 138_357_544, nonTrainable: 0 },
  { file: 'resnet18.stride', model: 'ResNet18', trainable: 11_689_512, nonTrainable: 9_600 },
  { file: 'mobilenetv2.stride', model: 'MobileNetV2', trainable: 3_504_872, nonTrainable: 34_112 },
  { file: 'lenet5.stride', model: 'LeNet5', trainable: 61_706, nonTrainable: 0 },
  { file: 'densenet121.stride', model: 'DenseNet121', trainable: 7_978_856, nonTrainable: 83_648 },
  { file: 'efficientnet-b0.stride', model: 'EfficientNetB0', trainable: 5_288_548, nonTrainable: 42_016 },
  { file: 'mobilenetv3-small.stride', model: 'MobileNetV3Small', trainable: 2_542_856, nonTrainable: 12_112 },
  { file: 'shufflenetv2.stride', model: 'ShuffleNetV2', trainable: 2_278_604, nonTrainable: 16_180 },
  { file: 'convnext-tiny.stride', model: 'ConvNeXtTiny', trainable: 28_589_128, nonTrainable: 0 },
  { file: 'regnetx-400mf.stride', model: 'RegNetX400MF', trainable: 5_495_976, nonTrainable: 37_856 },
];

for (const ref of REFERENCE) {
  test(`${ref.file}: ${ref.model} has ${ref.trainable + ref.nonTrainable} parameters`, () => {
    const a = load(ref.file);
    const model = a.models.find((m) => m.graph.name === ref.model);
    assert.ok(model, `model ${ref.model} not found`);
    assert.equal(model.totals.trainable, ref.trainable);
    assert.equal(model.totals.nonTrainable, ref.nonTrainable);
    assert.equal(model.totals.params, ref.trainable + ref.nonTrainable);
  });
}

test("mobilenetv2.stride matches Keras's published total of 3,538,984", () => {
  assert.equal(load('mobilenetv2.stride').models[0].totals.params, 3_538_984);
});

test('ResNet-8 ends in a 4-class softmax over 32×32×1 inputs and stays small', () => {
  const model = load('resnet8.stride').models[0];
  const first = model.layers[0];
  const last = model.layers[model.layers.length - 1];
  assert.deepEqual(first.shape, [32, 32, 1]);
  assert.deepEqual(last.shape, [4]);
  assert.ok(model.totals.params >= 10_000 && model.totals.params <= 80_000, `${model.totals.params} parameters`);
  assert.equal(model.train?.data?.kind === 'word' ? model.train.data.name : undefined, 'shapes');
});

for (const file of strideFiles(EXAMPLES)) {
  const name = path.basename(file);
  if (name === 'diagnostics.stride') continue;
  test(`${name} analyses without diagnostics and has a train section`, () => {
    const a = analyze(fs.readFileSync(file, 'utf8'));
    assert.deepEqual(
      a.diagnostics.map((d) => `${d.code}: ${d.message}`),
      [],
    );
    assert.ok(a.models.length >= 1);
    for (const m of a.models) {
      assert.ok(m.train, `model ${m.graph.name} has no train section`);
      assert.ok(m.graph.doc, `model ${m.graph.name} has no doc comment`);
      assert.ok(m.layers.every((l) => l.shape !== null));
    }
    assert.deepEqual(analysisProblems(a), []);
  });
}

test('diagnostics.stride shows every diagnostic code, each on a line commented with its code', () => {
  const text = fs.readFileSync(path.join(EXAMPLES, 'diagnostics.stride'), 'utf8');
  const a = analyze(text);
  assert.deepEqual([...new Set(a.diagnostics.map((d) => d.code))].sort(), Object.keys(DIAGNOSTIC_CODES).sort());
  const lines = text.split('\n');
  const lineOf = (offset: number) => text.slice(0, offset).split('\n').length - 1;
  for (const d of a.diagnostics) {
    // The explaining comment sits on one of the few lines above the diagnostic (a block or doc comment for some).
    const above = lines.slice(Math.max(0, lineOf(d.span.start) - 5), lineOf(d.span.start) + 1).join('\n');
    assert.match(above, new RegExp(`#+ ${d.code}:`), `${d.code} at line ${lineOf(d.span.start) + 1} has no comment naming it`);
  }
  assert.deepEqual(analysisProblems(a), []);
});
