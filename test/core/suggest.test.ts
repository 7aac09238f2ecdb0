// The did-you-mean helper: the guess, its quick fix, the message tail, and the cases with no guess.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze } from '../../core/analyze';
import { didYouMean, suggest } from '../../core/model/suggest';
import { span } from '../../core/syntax/span';

test('suggest finds a typo and builds the preferred fix that writes the guess over the misspelt name', () => {
  const s = suggest('conv2x', ['dense', 'conv2d', 'relu'], span(4, 10));
  assert.deepEqual(s, { guess: 'conv2d', fix: { title: "Change to 'conv2d'", edits: [{ span: span(4, 10), newText: 'conv2d' }], preferred: true } });
  assert.equal(didYouMean(s), "; did you mean 'conv2d'?");
});

test('suggest names the fix "Rename" when asked, and ignores case and underscores when matching', () => {
  const s = suggest('Kernel_Size', ['kernelsize', 'stride'], span(0, 11), 'Rename');
  assert.equal(s?.fix.title, "Rename to 'kernelsize'");
});

test('with nothing close enough there is no suggestion, and the message tail falls back', () => {
  assert.equal(suggest('flatten', ['conv2d', 'dense'], span(0, 7)), undefined);
  assert.equal(suggest('x', [''], span(0, 1)), undefined, 'an empty (missing) name is never suggested');
  assert.equal(didYouMean(undefined), '');
  assert.equal(didYouMean(undefined, '.'), '.');
});

test("an unknown layer, tensor and block parameter each carry the helper's fix through analysis", () => {
  const text = 'block b(width) {\n  dense(width)\n}\nmodel M {\n  input(8)\n  x = dense(4)\n  dense(unitz: 3)\n  b(wdth: 2)\n  dens(2)\n  add(y)\n}\n';
  const fixes = analyze(text)
    .diagnostics.filter((d) => d.fixes?.length)
    .map((d) => `${d.code} ${d.fixes![0].title}`);
  assert.deepEqual(fixes, [
    "unknown-argument Rename to 'units'",
    "unknown-argument Rename to 'width'",
    "unknown-layer Change to 'dense'",
    "undefined-name Change to 'x'",
  ]);
});
