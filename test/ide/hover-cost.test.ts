// Hover and semantic tokens stay linear in the number of layers: a one-line block repeated 40,000 times answers at once.

import assert from 'node:assert/strict';
import { it } from 'node:test';
import { analyze } from '../../core/analyze';
import { factsOf } from '../../ide/facts';
import { hover } from '../../ide/hover';
import { classify } from '../../ide/semantic-tokens';

const BIG = 'block big() {\n  relu() × 40000\n}\nmodel M {\n  input(8, 8, 1)\n  big()\n}\n';

it('a block of relu() × 40000 used once answers hover and semantic tokens well under a second', () => {
  const analysis = analyze(BIG);
  assert.equal(analysis.models[0].layers.length, 40_001);
  const started = Date.now();
  const facts = factsOf(analysis);
  for (const needle of ['relu', 'big()', 'input']) {
    const info = hover(analysis, BIG.lastIndexOf(needle) + 1, { memoryBatchSize: 32 });
    assert.ok(info && info.markdown.length > 0, needle);
  }
  assert.ok(classify(analysis).length > 0);
  assert.equal([...facts.instancesByCall.values()][0].size, 1);
  assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
});
