// The one table of training defaults, and the training model lowered from an analysis (plain data, validated on receipt).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyze } from '../../core/analyze';
import { DEFAULT_LEARNING_RATE, TRAIN_DEFAULTS, trainSettings } from '../../ide/train-settings';
import { trainingModel, trainingModelFor } from '../../ide/training-model';
import { checkTrainingModel, type TrainingModel } from '../../protocol/training-model';

const MODEL = 'model M {\n  input(8, 8, 1)\n  flatten()\n  dense(4, activation: softmax)\n}\n';
const first = (text: string) => analyze(text).models[0];

describe('trainSettings', () => {
  test('a model without a train section trains with the documented defaults, seed included', () => {
    assert.deepEqual(trainSettings(first(MODEL)), {
      optimizer: { name: 'adam', args: { lr: 0.001 } },
      loss: 'crossentropy',
      metrics: ['accuracy'],
      epochs: 5,
      batch: 32,
      validation: 0.1,
      seed: 1,
      data: { kind: 'shapes' },
    });
    assert.equal(TRAIN_DEFAULTS.seed, 1);
  });

  test('settings written win; those left out come from the table', () => {
    const s = trainSettings(first(`${MODEL}train M { epochs: 2  seed: 7  data: mnist }\n`));
    assert.ok(!('error' in s));
    assert.equal(s.epochs, 2);
    assert.equal(s.seed, 7);
    assert.deepEqual(s.data, { kind: 'mnist' });
    assert.equal(s.batch, TRAIN_DEFAULTS.batch);
    assert.equal(s.validation, TRAIN_DEFAULTS.validation);
  });

  test('each optimizer gets its default learning rate unless lr is written', () => {
    for (const name of Object.keys(DEFAULT_LEARNING_RATE)) {
      const s = trainSettings(first(`${MODEL}train M { optimizer: ${name} }\n`));
      assert.ok(!('error' in s));
      assert.deepEqual(s.optimizer, { name, args: { lr: DEFAULT_LEARNING_RATE[name] } });
    }
    const s = trainSettings(first(`${MODEL}train M { optimizer: sgd(lr: 0.5, momentum: 0.9) }\n`));
    assert.ok(!('error' in s));
    assert.deepEqual(s.optimizer, { name: 'sgd', args: { lr: 0.5, momentum: 0.9 } });
  });

  test('a wrongly written setting falls back to its default (the diagnostic says what was wrong)', () => {
    const a = analyze(`${MODEL}train M { epochs: 0  batch: 16 }\n`);
    assert.ok(a.diagnostics.some((d) => d.code === 'invalid-training'));
    const s = trainSettings(a.models[0]);
    assert.ok(!('error' in s));
    assert.equal(s.epochs, TRAIN_DEFAULTS.epochs);
    assert.equal(s.batch, 16);
  });

  test('a data setting naming no data set is an error in words, not a throw', () => {
    assert.deepEqual(trainSettings(first(`${MODEL}train M { data: folder() }\n`)), {
      error: 'folder(…) needs the folder path as a string, e.g. folder("images").',
    });
  });
});

describe('trainingModel', () => {
  test('lowers the graph to plain data that survives JSON and validates', () => {
    const lowered = trainingModel(first(`${MODEL}train M { epochs: 3 }\n`));
    assert.ok(lowered.ok);
    const m = lowered.value;
    assert.equal(m.name, 'M');
    assert.equal(m.trained, true);
    assert.deepEqual(
      m.nodes.map((n) => [n.id, n.kind, n.inputs, n.shape]),
      [
        [0, 'input', [], [8, 8, 1]],
        [1, 'flatten', [0], [64]],
        [2, 'dense', [1], [4]],
      ],
    );
    assert.deepEqual(m.inputs, [0]);
    assert.deepEqual(m.outputs, [2]);
    assert.equal(m.nodes[2].args.activation, 'softmax');
    const received = checkTrainingModel(JSON.parse(JSON.stringify(m)));
    assert.ok(received.ok, received.ok ? '' : received.error);
    assert.deepEqual(received.value, JSON.parse(JSON.stringify(m)));
  });

  test('a layer with errors travels with a null shape, for the builder to name', () => {
    const lowered = trainingModel(first('model M {\n  input(8, 8, 1)\n  conv2d(4, 9)\n}\n'));
    assert.ok(lowered.ok);
    assert.equal(lowered.value.nodes[1].shape, null);
  });

  test('the host rule: errors refused with file:line:column, the model chosen as every view chooses it', () => {
    const broken = trainingModelFor(analyze('model M {\r  input(8, 8, 1)\r  conv2d(4, 9)\r}\r'), {}, 'm.stride');
    assert.ok(!broken.ok);
    // A lone \r ends a line, as in the editor.
    assert.match(broken.error, /^Model 'M' has 1 error; fix it before training:\n {2}m\.stride:3:\d+: /);
    const two = `${MODEL}model N {\n  input(4)\n  dense(2)\n}\ntrain N { epochs: 1 }\n`;
    const chosen = trainingModelFor(analyze(two), {}, 'f');
    assert.ok(chosen.ok && chosen.value.name === 'N', 'the only model with a train section');
    const named = trainingModelFor(analyze(two), { name: 'M' }, 'f');
    assert.ok(named.ok && named.value.name === 'M');
    const missing = trainingModelFor(analyze(two), { name: 'Nope' }, 'f');
    assert.deepEqual(missing, { ok: false, error: "No model named 'Nope'; models in f: M, N" });
  });
});

describe('checkTrainingModel', () => {
  const good = (): TrainingModel => {
    const lowered = trainingModel(first(MODEL));
    assert.ok(lowered.ok);
    return JSON.parse(JSON.stringify(lowered.value)) as TrainingModel;
  };
  const refused: [string, (m: TrainingModel) => unknown, RegExp][] = [
    [
      'an input id out of range',
      (m) => ({ ...m, nodes: m.nodes.map((n) => (n.id === 1 ? { ...n, inputs: [5] } : n)) }),
      /'inputs' must be a list of node ids below 1/,
    ],
    ['ids out of order', (m) => ({ ...m, nodes: [...m.nodes].reverse() }), /nodes\[0\]\.id must be 0/],
    ['an output beyond the nodes', (m) => ({ ...m, outputs: [3] }), /'outputs' must be a list of node ids below 3/],
    [
      'an argument of no known kind',
      (m) => ({ ...m, nodes: m.nodes.map((n) => (n.id === 2 ? { ...n, args: { units: { x: 1 } } } : n)) }),
      /args\.units must be/,
    ],
    ['a bad shape', (m) => ({ ...m, nodes: m.nodes.map((n) => (n.id === 1 ? { ...n, shape: [-1] } : n)) }), /shape must be a list of sizes or null/],
    ['a zero batch', (m) => ({ ...m, settings: { ...m.settings, batch: 0 } }), /'batch' must be an integer/],
    ['an unknown data set', (m) => ({ ...m, settings: { ...m.settings, data: { kind: 'imagenet' } } }), /'kind' must be one of/],
    ['a missing seed', (m) => ({ ...m, settings: { ...m.settings, seed: undefined } }), /'seed' must be an integer/],
    ['not an object', () => 'model M {}', /training model must be an object/],
  ];
  for (const [what, spoil, message] of refused)
    test(`refuses ${what}`, () => {
      const checked = checkTrainingModel(spoil(good()));
      assert.ok(!checked.ok);
      assert.match(checked.error, message);
    });
});
