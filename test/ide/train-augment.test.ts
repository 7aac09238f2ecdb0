// `normalize:` and `augment:` from the text to the settings a run uses: diagnostics for bad entries (code and span),
// defaults filled in, the check a page or worker applies on receipt, and completion of the values.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyze } from '../../core/analyze';
import { completion } from '../../ide/completion';
import { trainSettings } from '../../ide/train-settings';
import { trainingModel } from '../../ide/training-model';
import { checkTrainingModel } from '../../protocol/training-model';

const MODEL = 'model M {\n  input(8, 8, 3)\n  flatten()\n  dense(4, activation: softmax)\n}\n';
const textOf = (section: string) => `${MODEL}train M { ${section} }\n`;

const settingsOf = (section: string) => {
  const a = analyze(textOf(section));
  assert.deepEqual(
    a.diagnostics.map((d) => d.message),
    [],
  );
  const s = trainSettings(a.models[0]);
  assert.ok(!('error' in s));
  return s;
};

/** Each diagnostic as [code, the text it covers]. */
const problems = (section: string) => {
  const text = textOf(section);
  return analyze(text).diagnostics.map((d) => [d.code, text.slice(d.span.start, d.span.end)]);
};

describe('normalize and augment in the train section', () => {
  test('augmentations get their defaults; named or positional arguments alike', () => {
    assert.deepEqual(settingsOf('augment: [flip, crop(pad: 2), rotate(10), translate(pixels: 1), brightness, contrast(0.3), cutout(size: 4)]').augment, [
      { kind: 'flip', amount: 0.5 },
      { kind: 'crop', amount: 2 },
      { kind: 'rotate', amount: 10 },
      { kind: 'translate', amount: 1 },
      { kind: 'brightness', amount: 0.2 },
      { kind: 'contrast', amount: 0.3 },
      { kind: 'cutout', amount: 4 },
    ]);
    assert.deepEqual(settingsOf('augment: flip').augment, [{ kind: 'flip', amount: 0.5 }]);
    assert.equal(settingsOf('augment: []').augment, undefined);
    assert.equal(settingsOf('epochs: 2').augment, undefined);
  });

  test('normalize is auto or per-channel statistics', () => {
    assert.deepEqual(settingsOf('normalize: auto').normalize, { kind: 'auto' });
    assert.deepEqual(settingsOf('normalize: stats(mean: [0.4, 0.5, 0.6], std: 0.2)').normalize, { kind: 'fixed', mean: [0.4, 0.5, 0.6], std: [0.2] });
    assert.equal(settingsOf('epochs: 2').normalize, undefined);
  });
});

describe('normalize and augment diagnostics', () => {
  test('an unknown augmentation is invalid-training with a did-you-mean fix on its name', () => {
    const text = textOf('augment: [flip, rotat(15)]');
    const [d] = analyze(text).diagnostics;
    assert.equal(d.code, 'invalid-training');
    assert.equal(text.slice(d.span.start, d.span.end), 'rotat(15)');
    assert.match(d.message, /rotate/);
    const edit = d.fixes?.[0].edits[0];
    assert.ok(edit);
    assert.equal(text.slice(edit.span.start, edit.span.end), 'rotat');
    assert.equal(edit.newText, 'rotate');
  });

  test('bad arguments and entries are one diagnostic each, on what is wrong', () => {
    assert.deepEqual(problems('augment: [crop(pad: -1)]'), [['invalid-training', '-1']]);
    assert.deepEqual(problems('augment: [brightness(2)]'), [['invalid-training', '2']]);
    assert.deepEqual(problems('augment: [rotate(angle: 5)]'), [['invalid-training', 'rotate(angle: 5)']]);
    assert.deepEqual(problems('augment: [flip, flip]'), [['invalid-training', 'flip']]);
    assert.deepEqual(problems('augment: [3]'), [['invalid-training', '3']]);
    assert.deepEqual(problems('normalize: yes'), [['invalid-training', 'yes']]);
    assert.deepEqual(problems('normalize: stats(mean: 0.5)'), [['invalid-training', 'stats(mean: 0.5)']]);
    assert.deepEqual(problems('normalize: stats(mean: 0.5, std: [0.2, 0])'), [['invalid-training', '[0.2, 0]']]);
    assert.deepEqual(problems('normalize: stats(mean: [1, 2], std: [1, 2, 3])'), [['invalid-training', 'stats(mean: [1, 2], std: [1, 2, 3])']]);
    assert.deepEqual(problems('normalise: auto'), [['invalid-training', 'normalise']]);
  });
});

describe('normalize and augment beyond the core', () => {
  test('the settings pass the check a page or worker applies on receipt; forged ones do not', () => {
    const a = analyze(textOf('normalize: auto  augment: [flip, cutout(4)]'));
    const lowered = trainingModel(a.models[0]);
    assert.ok(lowered.ok);
    const checked = checkTrainingModel(JSON.parse(JSON.stringify(lowered.value)));
    assert.ok(checked.ok, JSON.stringify(checked));
    assert.deepEqual(checked.value.settings.augment, [
      { kind: 'flip', amount: 0.5 },
      { kind: 'cutout', amount: 4 },
    ]);
    for (const forge of [
      (s: Record<string, unknown>) => (s.augment = [{ kind: 'warp', amount: 1 }]),
      (s: Record<string, unknown>) => (s.augment = [{ kind: 'crop', amount: 1e9 }]),
      (s: Record<string, unknown>) => (s.augment = [{ kind: 'crop', amount: 2.5 }]),
      (s: Record<string, unknown>) => (s.augment = [{ kind: 'brightness', amount: 3 }]),
      (s: Record<string, unknown>) => (s.normalize = { kind: 'fixed', mean: [0], std: [0] }),
      (s: Record<string, unknown>) => (s.normalize = { kind: 'other' }),
    ]) {
      const forged = JSON.parse(JSON.stringify(lowered.value));
      forge(forged.settings);
      assert.equal(checkTrainingModel(forged).ok, false, JSON.stringify(forged.settings));
    }
  });

  test('completion offers the keys, normalize values and augmentations', () => {
    const labels = (text: string, marker: string) => completion(analyze(text), text.indexOf(marker) + marker.length).map((c) => c.label);
    const keys = `${MODEL}train M {\n  \n}\n`;
    assert.ok(labels(keys, 'train M {\n  ').includes('augment'));
    const norm = textOf('normalize: ');
    assert.deepEqual(labels(norm, 'normalize: '), ['auto', 'stats']);
    const aug = textOf('augment: [flip, ');
    assert.ok(labels(aug, 'augment: [flip, ').includes('cutout'));
  });
});
