// ide's modelAt: the one rule for which model a request means, by name, by offset, else the trained one.

import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { analyze } from '../../core/analyze';
import { findModel, modelAt, modelChoiceError } from '../../ide/model-at';
import { at } from './helpers';

const TWO = `model A {\n  input(4)\n  dense(2)\n}\nmodel B {\n  input(4)\n  dense(3)\n}\ntrain B { data: shapes }\n`;

test('a name wins; an unknown name is an error listing the models', () => {
  const analysis = analyze(TWO);
  assert.equal(findModel(analysis, { name: 'A', offset: at(TWO, 'dense(3)') })?.graph.name, 'A');
  const missing = modelAt(analysis, { name: 'C' });
  assert.ok(missing.kind === 'no-such-model');
  assert.equal(modelChoiceError(missing, 'two.stride'), "No model named 'C'; models in two.stride: A, B");
});

test('an offset picks the model around it, or the one its train section trains', () => {
  const analysis = analyze(TWO);
  assert.equal(findModel(analysis, { offset: at(TWO, 'dense(2)') })?.graph.name, 'A');
  assert.equal(findModel(analysis, { offset: at(TWO, 'shapes') })?.graph.name, 'B');
});

test('with nothing to go on, the model the file trains; else the first; none without models', () => {
  assert.equal(findModel(analyze(TWO))?.graph.name, 'B');
  assert.equal(findModel(analyze(TWO.replace('train B { data: shapes }\n', '')))?.graph.name, 'A');
  const none = modelAt(analyze('block b(f) {\n  relu()\n}\n'));
  assert.equal(none.kind, 'no-models');
  if (none.kind === 'no-models') assert.equal(modelChoiceError(none, 'b.stride'), 'b.stride defines no model');
});
