// Data checked against the model before training: input shape, output units versus classes, and data settings.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { analyze, type ModelAnalysis } from '../../core/analyze';
import { loadData } from '../../train/node/data/load';
import { dataSpecOf } from '../../train/data/spec';
import { checkDataFits, DataMismatchError } from '../../train/data/validate';
import { EXAMPLES, strideFiles } from '../helpers/fixtures';
import { lowered } from '../helpers/training';
import type { TrainingModel } from '../../protocol/training-model';

const model = (body: string): TrainingModel => lowered(analyze(`model M {\n${body}\n}\ntrain M { data: shapes }\n`).models[0]);
const shapes = { name: 'shapes', shape: [32, 32, 1] as [number, number, number], classes: ['circle', 'square', 'triangle', 'cross'] };
const head = (units: number, act = 'softmax') => `  flatten()\n  dense(${units}, activation: ${act})`;

/** What each downloadable set provides, so examples are checked without a network. */
const KNOWN: Record<string, { shape: [number, number, number]; classes: number }> = {
  mnist: { shape: [28, 28, 1], classes: 10 },
  fashion_mnist: { shape: [28, 28, 1], classes: 10 },
  cifar10: { shape: [32, 32, 3], classes: 10 },
};

describe('data validation: the examples fit their data sets', () => {
  for (const file of strideFiles(EXAMPLES)) {
    const analysis = analyze(fs.readFileSync(file, 'utf8'));
    for (const m of analysis.models.filter((x) => x.train && x.graph.outputs.length > 0 && x.layers.every((l) => l.shape !== null && l.node.valid))) {
      const spec = dataSpecOf(m.train!.data);
      if (spec.kind === 'folder') continue;
      test(`example ${path.basename(file)}: ${m.graph.name} fits its data set (${spec.kind})`, () => {
        const input = m.layers[m.graph.inputs[0]].shape as number[];
        const facts = spec.kind === 'shapes' ? { shape: input as [number, number, number], classes: 4 } : KNOWN[spec.kind];
        checkDataFits(lowered(m), { name: spec.kind, shape: facts.shape, classes: Array.from({ length: facts.classes }, (_, i) => String(i)) }, m.train!.loss);
      });
    }
  }
});

describe('data validation: the input', () => {
  test('a fitting model passes', () => {
    checkDataFits(model(`  input(32, 32, 1)\n${head(4)}`), shapes);
  });

  test('a wrong input shape names both shapes', () => {
    assert.throws(
      () => checkDataFits(model(`  input(28, 28, 1)\n${head(4)}`), shapes),
      (e: Error) =>
        e instanceof DataMismatchError &&
        e.message.includes('(None, 28, 28, 1)') &&
        e.message.includes('(None, 32, 32, 1)') &&
        e.message.includes('input(32, 32, 1)'),
    );
    assert.throws(() => checkDataFits(model(`  input(32, 32, 3)\n${head(4)}`), shapes), /takes inputs \(None, 32, 32, 3\)/);
  });

  test('unknown input dimensions accept any size', () => {
    checkDataFits(model(`  input(-1, -1, 1)\n  globalavgpool2d()\n  dense(4)`), shapes);
  });
});

describe('data validation: the outputs and the data settings', () => {
  test('output units must equal the number of classes', () => {
    assert.throws(
      () => checkDataFits(model(`  input(32, 32, 1)\n${head(10)}`), shapes),
      (e: Error) =>
        e instanceof DataMismatchError && /has 10 units but data set 'shapes' has 4 classes \(circle, square, triangle, cross\); use dense\(4/.test(e.message),
    );
  });

  test('an image-shaped output is refused with a hint', () => {
    assert.throws(() => checkDataFits(model('  input(32, 32, 1)\n  conv2d(4, 3)'), shapes), /shape \(None, 30, 30, 4\).*flatten\(\)/);
  });

  test('every output of a multi-output model is checked', () => {
    const m = model('  x = input(32, 32, 1) -> flatten()\n  a = x -> dense(4)\n  b = x -> dense(3)\n  output(a, b)');
    assert.throws(() => checkDataFits(m, shapes), /Output 'b' .* has 3 units/);
  });

  test('binary cross-entropy takes one sigmoid unit for two classes', () => {
    const two = { ...shapes, classes: ['no', 'yes'] };
    checkDataFits(model(`  input(32, 32, 1)\n${head(1, 'sigmoid')}`), two, 'binary_crossentropy');
    assert.throws(() => checkDataFits(model(`  input(32, 32, 1)\n${head(1, 'sigmoid')}`), shapes, 'binary_crossentropy'), /needs 4 units/);
  });

  test('data settings become specs; the shapes set takes the model input size', async () => {
    const a = analyze('model M {\n  input(16, 12, 3)\n  flatten()\n  dense(4)\n}\ntrain M { data: shapes(count: 8) }\n');
    const spec = dataSpecOf(a.models[0].train!.data);
    assert.deepEqual(spec, { kind: 'shapes', count: 8, noise: undefined, seed: undefined });
    const d = await loadData(spec, { inputShape: [16, 12, 3] });
    assert.deepEqual(d.shape, [16, 12, 3]);
    assert.deepEqual(dataSpecOf(analyze('model M { input(2) }\ntrain M { data: folder("imgs") }').trains[0].data), { kind: 'folder', path: 'imgs' });
    assert.deepEqual(dataSpecOf(undefined), { kind: 'shapes' });
    await assert.rejects(
      loadData({ kind: 'shapes' }, { inputShape: [10] }),
      /makes images \(height, width, channels\), but the model input has shape \(None, 10\)/,
    );
  });
});
