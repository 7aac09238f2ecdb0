// The incremental hover equals a fresh analysis: random edits (numbers, insertions, deletions, renames, broken syntax)
// to example files and generated large ones; after each, the edited statement's layers and every hover answered from
// the previous analysis's checkpoints are compared with analyze() of the new text from scratch.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { analyze, type Analysis } from '../../core/analyze';
import { analyzeRecorded, editedStatement, type EditedStatement } from '../../core/incremental';
import { CHECKPOINT_EVERY } from '../../core/model/lower-resume';
import { hover } from '../../ide/hover';
import { quickHover } from '../../ide/hover-quick';
import { EXAMPLES } from '../helpers/fixtures';
import { Prng } from '../helpers/prng';
import { randomEdit } from './incremental-edits';

const OPTIONS = { memoryBatchSize: 32 };

/** A chain with named tensors, merges, repetition and blocks, long enough to cross several checkpoints. */
function generated(layers: number): string {
  const lines = ['block res(c) {', '  t = conv2d(c, 3, padding: same)', '  add(in, t)', '}', 'model Big {', '  x0 = input(16, 16, 8)'];
  const named = ['x0', 'x0'];
  for (let i = 1; lines.length < layers; i++) {
    if (i % 7 === 0) lines.push(`  x${i} = add(${named[named.length - 1]}, ${named[named.length - 2]} -> conv2d(8, 1))`);
    else if (i % 11 === 0) lines.push('  res(8) × 2');
    else if (i % 5 === 0) lines.push(`  relu_${i} = relu()`);
    else lines.push(i % 2 ? `  x${i} = conv2d(8, ${1 + (i % 3) * 2}, padding: same)` : '  relu()');
    if (i % 7 === 0 || (i % 2 === 1 && i % 5 !== 0 && i % 11 !== 0)) named.push(`x${i}`);
  }
  lines.push('  globalavgpool2d() -> dense(10)', '}', '');
  return lines.join('\n');
}

/** The fresh layers of the statement, in node order. */
function freshLayers(fresh: Analysis, edited: EditedStatement) {
  const model = fresh.models.find((m) => m.graph.name === edited.model.graph.name);
  return model ? model.layers.filter((l) => l.node.statementSpan.start === edited.statement.span.start) : [];
}

const fields = (l: EditedStatement['layers'][number]) => ({
  name: l.node.name,
  kind: l.node.kind,
  span: l.node.span,
  shape: l.shape,
  params: l.params,
  macs: l.macs,
  bytes: l.activationBytes,
  rf: l.rf,
});

/** Applies `steps` random edits; the base analysis is refreshed now and then, as the debounced full analysis would. */
function fuzz(text: string, seed: number, steps: number): { quick: number; hovers: number } {
  const rng = new Prng(seed);
  let base = analyzeRecorded(text);
  let quick = 0;
  let hovers = 0;
  for (let step = 0; step < steps; step++) {
    text = randomEdit(text, rng);
    const edited = editedStatement(base, text);
    if (edited) {
      quick++;
      const fresh = analyze(text);
      assert.deepEqual(edited.layers.map(fields), freshLayers(fresh, edited).map(fields), `step ${step}: layers differ`);
      const { start, end } = edited.statement.span;
      for (let offset = start - 1; offset <= end + 1; offset++) {
        const got = quickHover(edited, offset);
        if (!got) continue;
        hovers++;
        assert.deepEqual(got, hover(fresh, offset, OPTIONS), `step ${step}, offset ${offset}: hover differs`);
      }
    }
    if (rng.next() < 0.7) base = analyzeRecorded(text);
  }
  return { quick, hovers };
}

test('recording checkpoints leaves the analysis unchanged', () => {
  const text = generated(CHECKPOINT_EVERY + 500);
  const a = analyzeRecorded(text).analysis;
  const b = analyze(text);
  assert.deepEqual(a.diagnostics, b.diagnostics);
  assert.deepEqual(a.models[0].totals, b.models[0].totals);
});

for (const name of ['shapes.stride', 'resnet18.stride', 'vgg16.stride', 'diagnostics.stride', 'lstm-text.stride', 'unet.stride']) {
  test(`random edits to ${name}: the incremental hover equals a fresh analysis`, () => {
    const text = fs.readFileSync(path.join(EXAMPLES, name), 'utf8');
    const { quick, hovers } = fuzz(text, name.length * 7919, 120);
    assert.ok(quick > 0 && hovers > 0, `the quick path answered ${quick} edits, ${hovers} hovers`);
  });
}

test('random edits to a generated file across several checkpoints: the incremental hover equals a fresh analysis', () => {
  const text = generated(CHECKPOINT_EVERY * 2 + 17);
  let quick = 0;
  let hovers = 0;
  // Short runs from the intact file: a long run of random edits leaves little of it parseable.
  for (let seed = 1; seed <= 6; seed++) {
    const run = fuzz(text, seed, 15);
    quick += run.quick;
    hovers += run.hovers;
  }
  // Most edits land in one statement and keep it parseable: the quick path must really be taken.
  assert.ok(quick >= 20 && hovers >= 100, `the quick path answered ${quick} edits, ${hovers} hovers`);
});
