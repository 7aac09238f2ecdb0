// The oracle tables cover every registered layer kind, and the deliberate departures from tfjs are pinned down.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { defaultRegistry } from '../../core/model/layers';
import type { LayerInfo } from '../../core/model/infer';
import { formatInt } from '../../core/model/values';
import { strideFacts, strideLayer } from './cases';
import { tfReady, tfjsFacts } from './tfjs-oracle';
import { tfjsCases } from './tfjs-table';
import { torchCases } from './torch-table';

describe('oracle coverage', () => {
  const covered = new Set([...tfjsCases, ...torchCases].map((c) => c.kind));

  test('every layer kind except input is checked by an oracle', () => {
    const missing = defaultRegistry
      .all()
      .map((d) => d.kind)
      .filter((k) => k !== 'input' && !covered.has(k));
    assert.deepEqual(missing, []);
  });

  test('every kind in the tables is a registered kind', () => {
    assert.deepEqual(
      [...covered].filter((k) => defaultRegistry.get(k)?.kind !== k),
      [],
    );
  });

  const weighted = [...tfjsCases, ...torchCases].map(strideLayer).filter((l): l is LayerInfo => !('error' in l) && total(l) > 0);

  test('every kind with parameters documents its formula', () => {
    const undocumented = [...new Set(weighted.map((l) => l.node.kind))].filter((k) => !defaultRegistry.get(k)?.paramsDoc);
    assert.deepEqual(undocumented, []);
  });

  test("every layer's formula ends in its parameter count", () => {
    const wrong = weighted
      .filter((l) => !l.params.formula.endsWith(`= ${formatInt(total(l))}`))
      .map((l) => `${l.node.kind}: ${l.params.formula} vs ${total(l)}`);
    assert.deepEqual(wrong, []);
  });
});

function total(l: LayerInfo): number {
  return l.params.trainable + l.params.nonTrainable;
}

describe('deliberate departures from tfjs', () => {
  before(tfReady);

  test('transposed convolutions reject dilation > 1, which tfjs silently ignores', () => {
    const base = { kind: 'conv2d_transpose', input: [5, 5, 3], args: { filters: 2, kernel: 3 } } as const;
    const make = (a: Readonly<Record<string, unknown>>) => tf.layers.conv2dTranspose({ filters: 2, kernelSize: 3, dilationRate: a.dilation as number });
    const dilated = tfjsFacts({ ...base, args: { ...base.args, dilation: 2 } }, make);
    const plain = tfjsFacts({ ...base, args: { ...base.args, dilation: 1 } }, make);
    assert.deepEqual(dilated, plain, 'tfjs now honours dilation in transposed convolutions: Stride can accept it');
    const got = strideFacts({ ...base, args: { ...base.args, dilation: 2 } });
    assert.ok('error' in got && got.error.startsWith('invalid-argument'), JSON.stringify(got));
  });
});
