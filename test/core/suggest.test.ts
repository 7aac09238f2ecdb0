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

test('train sections word their did-you-means and fixes through the same helper', () => {
  const text =
    'model Net {\n  input(4) -> dense(2)\n}\ntrain Nett {\n  data: mnst\n  optimizer: adm(lr: 0.1)\n  epoch: 3\n}\ntrain Net {\n  data: foldr("x")\n}\n';
  const found = analyze(text).diagnostics.map((d) => ({
    code: d.code,
    at: text.slice(d.span.start, d.span.end),
    message: d.message,
    fix: d.fixes?.map((f) => `${f.title}: ${text.slice(f.edits[0].span.start, f.edits[0].span.end)} → ${f.edits[0].newText}`),
  }));
  const known = 'Known: shapes, mnist, fashion_mnist, cifar10, folder.';
  assert.deepEqual(found, [
    { code: 'undefined-name', at: 'Nett', message: "No model named 'Nett'; did you mean 'Net'?", fix: ["Change to 'Net': Nett → Net"] },
    { code: 'invalid-training', at: 'mnst', message: `Unknown data set 'mnst'; did you mean 'mnist'? ${known}`, fix: ["Change to 'mnist': mnst → mnist"] },
    {
      code: 'invalid-training',
      at: 'adm(lr: 0.1)',
      message: "Unknown optimizer adm(lr: 0.1); did you mean 'adam'? Known: sgd, adam, adamw, rmsprop, adagrad.",
      fix: undefined,
    },
    {
      code: 'invalid-training',
      at: 'epoch',
      message:
        "Unknown training setting 'epoch'; did you mean 'epochs'? Settings: data, optimizer, loss, metrics, epochs, batch, validation, seed, schedule, early_stopping, normalize, augment, freeze, unfreeze, init, lr_mult.",
      fix: ["Change to 'epochs': epoch → epochs"],
    },
    {
      code: 'invalid-training',
      at: 'foldr("x")',
      message: `Unknown data set 'foldr'; did you mean 'folder'? ${known}`,
      fix: ["Change to 'folder': foldr → folder"],
    },
  ]);
});

test('an undefined tensor names the first twelve known tensors and counts the rest; block tensor parameters are candidates', () => {
  const names = Array.from({ length: 14 }, (_, i) => `t${i}`);
  const model = ['model M {', '  input(8)', ...names.map((n) => `  ${n} = dense(4)`), '  add(t13x)', '}', ''].join('\n');
  const d = analyze(model).diagnostics.find((x) => x.code === 'undefined-name');
  assert.ok(d, 'reported');
  assert.equal(d.message, `No tensor named 't13x'; did you mean 't13'? Known here: ${names.slice(0, 12).join(', ')}, … (2 more).`);
  assert.equal(d.fixes?.[0].edits[0].newText, 't13');
  const block = 'block b(skip) {\n  dense(4)\n  add(skp)\n}\nmodel M {\n  input(8)\n  x = dense(4)\n  b(x)\n}\n';
  const inBlock = analyze(block).diagnostics.find((x) => x.code === 'undefined-name');
  assert.ok(inBlock?.message.includes("did you mean 'skip'?"), inBlock?.message);
  assert.ok(inBlock?.message.endsWith('Known here: in, skip.'), inBlock?.message);
});
