// `schedule:` and `early_stopping:` from the text to the settings a run uses: PyTorch's defaults filled in, the
// monitor following the validation split, and the settings surviving the trip to the page or worker.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyze } from '../../core/analyze';
import { trainSettings } from '../../ide/train-settings';
import { checkTrainingModel } from '../../protocol/training-model';
import { trainingModel } from '../../ide/training-model';

const MODEL = 'model M {\n  input(8, 8, 1)\n  flatten()\n  dense(4, activation: softmax)\n}\n';
const settingsOf = (section: string) => {
  const a = analyze(`${MODEL}train M { ${section} }\n`);
  assert.deepEqual(
    a.diagnostics.map((d) => d.message),
    [],
  );
  const s = trainSettings(a.models[0]);
  assert.ok(!('error' in s));
  return s;
};

describe('schedules and early stopping in the train section', () => {
  test('each schedule gets PyTorch’s defaults for what is not written', () => {
    assert.deepEqual(settingsOf('schedule: step(every: 3)').schedule, { kind: 'step', every: 3, gamma: 0.1 });
    assert.deepEqual(settingsOf('schedule: cosine').schedule, { kind: 'cosine', warmup: 0, minLr: 0 });
    assert.deepEqual(settingsOf('optimizer: sgd(lr: 0.4)  schedule: one_cycle').schedule, {
      kind: 'one_cycle',
      maxLr: 0.4,
      pctStart: 0.3,
      divFactor: 25,
      finalDivFactor: 1e4,
    });
    assert.deepEqual(settingsOf('schedule: reduce_on_plateau(patience: 2)').schedule, {
      kind: 'reduce_on_plateau',
      monitor: 'val_loss',
      factor: 0.1,
      patience: 2,
      minLr: 0,
      threshold: 1e-4,
    });
    assert.deepEqual(settingsOf('schedule: constant').schedule, { kind: 'constant' });
    assert.equal(settingsOf('epochs: 2').schedule, undefined);
  });

  test('early stopping watches the validation loss, or the loss when nothing is held out', () => {
    assert.deepEqual(settingsOf('early_stopping: 3').earlyStopping, { monitor: 'val_loss', patience: 3, minDelta: 0 });
    assert.deepEqual(settingsOf('validation: 0  early_stopping: 3').earlyStopping, { monitor: 'loss', patience: 3, minDelta: 0 });
    assert.deepEqual(settingsOf('early_stopping: patience(5, monitor: val_accuracy, min_delta: 0.01)').earlyStopping, {
      monitor: 'val_accuracy',
      patience: 5,
      minDelta: 0.01,
    });
  });

  test('the settings pass the check a page or worker applies on receipt', () => {
    const a = analyze(`${MODEL}train M { schedule: cosine(warmup: 1)  early_stopping: 2 }\n`);
    const lowered = trainingModel(a.models[0]);
    assert.ok(lowered.ok);
    const checked = checkTrainingModel(JSON.parse(JSON.stringify(lowered.value)));
    assert.ok(checked.ok, JSON.stringify(checked));
    assert.deepEqual(checked.value.settings.schedule, { kind: 'cosine', warmup: 1, minLr: 0 });
    assert.deepEqual(checked.value.settings.earlyStopping, { monitor: 'val_loss', patience: 2, minDelta: 0 });
    const forged = JSON.parse(JSON.stringify(lowered.value));
    forged.settings.schedule = { kind: 'step', every: -1, gamma: 0.1 };
    assert.equal(checkTrainingModel(forged).ok, false);
  });
});
