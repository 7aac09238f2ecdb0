// `freeze:`, `unfreeze:`, `init:` and `lr_mult:` from the text to the settings a run uses: names resolved to layers
// by one rule, bad names and values as `invalid-training` with did-you-mean, and frozen parameters counted as
// non-trainable in hover and the summary.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyze } from '../../core/analyze';
import { completion } from '../../ide/completion';
import { hover } from '../../ide/hover';
import { formatTable, summarize } from '../../ide/summary';
import { trainSettings } from '../../ide/train-settings';
import { trainingModel } from '../../ide/training-model';
import { checkTrainingModel } from '../../protocol/training-model';
import { at } from './helpers';

const MODEL = `block basic(c) {
  conv2d(c, 3, padding: same) -> batchnorm() -> relu()
}
model M {
  input(16, 16, 1)
  stem = conv2d(8, 3) -> batchnorm() -> relu()
  basic(8) -> basic(8)
  flatten()
  head = dense(4, activation: softmax)
}
`;

const analysisOf = (section: string) => analyze(`${MODEL}train M { ${section} }\n`);

function fineTune(section: string) {
  const a = analysisOf(section);
  assert.deepEqual(
    a.diagnostics.map((d) => d.message),
    [],
  );
  const s = trainSettings(a.models[0]);
  assert.ok(!('error' in s));
  return s.fineTune;
}

describe('fine-tuning settings', () => {
  test('a statement name stands for its whole chain, a block instance for every layer in it, a string for a nested layer', () => {
    assert.deepEqual(fineTune('freeze: [stem, basic_2]  unfreeze: 3')?.freeze, [
      'conv2d_1',
      'batchnorm_1',
      'stem',
      'basic_2/conv2d_3',
      'basic_2/batchnorm_3',
      'basic_2/relu_2',
    ]);
    assert.deepEqual(fineTune('freeze: "basic_1/conv2d_2"')?.freeze, ['basic_1/conv2d_2']);
    assert.equal(fineTune('freeze: [stem]  unfreeze: 3')?.unfreeze, 3);
  });

  test('lr_mult gives each layer of a named part its factor; init is kept as written', () => {
    const t = fineTune('lr_mult: layers(basic_1: 0.1, head: 10)  init: "base.runs/M"');
    assert.deepEqual(t, {
      freeze: [],
      init: 'base.runs/M',
      lrMult: { 'basic_1/conv2d_2': 0.1, 'basic_1/batchnorm_2': 0.1, 'basic_1/relu_1': 0.1, head: 10 },
    });
    assert.equal(fineTune('epochs: 2'), undefined);
  });

  test('the settings survive the trip to the page or worker, and a tampered one is refused', () => {
    const model = analysisOf('freeze: [stem]  unfreeze: 1  lr_mult: layers(head: 2)  init: "w"').models[0];
    const lowered = trainingModel(model);
    assert.ok(lowered.ok);
    const sent = JSON.parse(JSON.stringify(lowered.value));
    assert.deepEqual(checkTrainingModel(sent), { ok: true, value: lowered.value });
    sent.settings.fineTune.lrMult.head = -1;
    assert.ok(!checkTrainingModel(sent).ok);
    sent.settings.fineTune = { freeze: 'stem', lrMult: {} };
    assert.ok(!checkTrainingModel(sent).ok);
  });
});

describe('fine-tuning diagnostics', () => {
  const problems = (section: string) => {
    const text = `${MODEL}train M { ${section} }\n`;
    return analyze(text).diagnostics.map((d) => ({ code: d.code, at: text.slice(d.span.start, d.span.end), fix: d.fixes?.[0]?.edits[0].newText }));
  };

  test('a name that matches no layer or block instance is an error on the name, with a did-you-mean fix', () => {
    assert.deepEqual(problems('freeze: [stem, basc_1]'), [{ code: 'invalid-training', at: 'basc_1', fix: 'basic_1' }]);
    assert.deepEqual(problems('lr_mult: layers(haed: 2)'), [{ code: 'invalid-training', at: '2', fix: undefined }]);
    assert.match(analysisOf('freeze: [headd]').diagnostics[0].message, /No layer or block instance named 'headd' in model 'M'; did you mean 'head'\?/);
  });

  test('bad values are errors on the value', () => {
    assert.deepEqual(problems('freeze: [stem, 3]'), [{ code: 'invalid-training', at: '3', fix: undefined }]);
    assert.deepEqual(problems('freeze: [stem]  unfreeze: 0'), [{ code: 'invalid-training', at: '0', fix: undefined }]);
    assert.deepEqual(problems('init: 3'), [{ code: 'invalid-training', at: '3', fix: undefined }]);
    assert.deepEqual(problems('lr_mult: 0.1'), [{ code: 'invalid-training', at: '0.1', fix: undefined }]);
    assert.deepEqual(problems('lr_mult: layers(head: -1)'), [{ code: 'invalid-training', at: '-1', fix: undefined }]);
    assert.deepEqual(problems('lr_mult: layers(0.5)'), [{ code: 'invalid-training', at: '0.5', fix: undefined }]);
  });

  test('unfreeze without freeze is an error on the section', () => {
    const d = analysisOf('unfreeze: 2').diagnostics;
    assert.equal(d.length, 1);
    assert.match(d[0].message, /'unfreeze' needs 'freeze'/);
  });
});

describe('frozen parameters in hover and the summary', () => {
  const section = 'freeze: [stem]';
  const text = `${MODEL}train M { ${section} }\n`;
  const analysis = analyze(text);

  test('the layer hover says trainable 0 (frozen by train section)', () => {
    const md = hover(analysis, at(text, 'conv2d(8, 3)', 1), { memoryBatchSize: 32 })!.markdown;
    assert.match(md, /\| Trainable \| 0 trainable \(frozen by train section\) · 80 non-trainable \|/);
    const free = hover(analysis, at(text, 'dense(4', 1), { memoryBatchSize: 32 })!.markdown;
    assert.doesNotMatch(free, /frozen/);
  });

  test('the settings themselves have hover documentation', () => {
    const t = `${MODEL}train M { freeze: [stem]  unfreeze: 2  init: "w"  lr_mult: layers(head: 2) }\n`;
    const a = analyze(t);
    for (const key of ['freeze', 'unfreeze', 'init', 'lr_mult'])
      assert.match(hover(a, at(t, `${key}:`, 1), { memoryBatchSize: 32 })!.markdown, new RegExp(`\\*\\*${key}\\*\\* \\(training setting\\)`));
    assert.match(hover(a, at(t, 'model M', 7), { memoryBatchSize: 32 })!.markdown, /frozen by train section for 2 epochs/);
  });

  test('model totals move the frozen parameters to non-trainable, in hover and the summary table', () => {
    const plain = analyze(MODEL).models[0].totals;
    const frozen = analysis.models[0].totals;
    // conv2d 3·3·1·8 + 8 = 80 and batch norm 4·8 = 32, of which 16 were non-trainable already.
    assert.equal(frozen.trainable, plain.trainable - 80 - 16);
    assert.equal(frozen.nonTrainable, plain.nonTrainable + 80 + 16);
    assert.equal(frozen.params, plain.params);
    const md = hover(analysis, at(text, 'model M', 7), { memoryBatchSize: 32 })!.markdown;
    assert.match(md, /non-trainable \(112 frozen by train section\)/);
    const table = formatTable(summarize(analysis).models[0]);
    assert.match(table, /conv2d_1 \(conv2d, frozen\)/);
    assert.match(table, /Non-trainable params: [\d,]+ \(112 frozen by train section\)/);
  });
});

describe('completion of names in fine-tuning settings', () => {
  const complete = (section: string) => {
    const text = `${MODEL}train M { ${section.replace('|', '')} }\n`;
    return completion(analyze(text), MODEL.length + 'train M { '.length + section.indexOf('|')).map((c) => c.label);
  };
  const NAMES = ['conv2d_1', 'batchnorm_1', 'stem', 'basic_1', 'basic_2', 'flatten_1', 'head'];

  test("freeze offers the layers, statement names and block instances of the section's model", () => {
    assert.deepEqual(complete('freeze: [|]'), NAMES);
    assert.deepEqual(complete('freeze: [stem, |]'), NAMES);
    assert.deepEqual(complete('freeze: |'), NAMES);
  });

  test('lr_mult: layers(…) offers them as named factors', () => {
    assert.deepEqual(
      complete('lr_mult: layers(stem: 0.1, |)'),
      NAMES.map((n) => `${n}:`),
    );
    assert.ok(complete('metrics: [|]').includes('accuracy'));
  });
});
