// Protocol test: stride/trainingModel lowers the model the diagnostics were computed for, chosen by the one rule.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TRAINING_MODEL_METHOD, type TrainingModelResult } from '../../protocol/lsp-ext';
import { checkTrainingModel } from '../../protocol/training-model';
import { TestClient } from './harness';

const TWO = `model A {
  input(8, 8, 1)
  flatten()
  dense(4, activation: softmax)
}

model B {
  input(4)
  dense(2)
}

train B { epochs: 2 }
`;

describe('stride/trainingModel', () => {
  let client: TestClient;
  const uri = 'file:///train/two.stride';
  const broken = 'file:///train/broken.stride';
  const mixed = 'file:///train/mixed.stride';
  const badLayer = 'file:///train/bad-layer.stride';
  before(async () => {
    client = await TestClient.start();
    await client.openAndWait(uri, TWO);
    // A lone \r ends a line in the server as in the CLI: the error below is on line 3 for both.
    await client.openAndWait(broken, 'model M {\r  input(8, 8, 1)\r  conv2d(4, 9)\r}\r');
    await client.openAndWait(badLayer, 'model M {\n  input(8, 8, 1)\n  conv2d(4, 9)\n}\n');
    await client.openAndWait(mixed, TWO.replace('dense(2)', 'dense(2)\n  conv2x(3)'));
  });
  after(() => client.stop());

  const ask = (params: object) => client.request<TrainingModelResult | null>(TRAINING_MODEL_METHOD, params);

  it('lists the models, chooses the trained one, and sends a training model that validates', async () => {
    const r = await ask({ uri });
    assert.ok(r);
    assert.deepEqual(r.models, [
      { name: 'A', trained: false },
      { name: 'B', trained: true },
    ]);
    assert.equal(r.model, 'B');
    assert.equal(r.error, null);
    const checked = checkTrainingModel(r.training);
    assert.ok(checked.ok, checked.ok ? '' : checked.error);
    assert.equal(checked.value.settings.epochs, 2);
    assert.equal(checked.value.settings.seed, 1, 'the default seed');
  });

  it('takes a name or a position, and says when a name is unknown', async () => {
    assert.equal((await ask({ uri, model: 'A' }))?.training?.name, 'A');
    assert.equal((await ask({ uri, position: { line: 1, character: 2 } }))?.model, 'A');
    const missing = await ask({ uri, model: 'Nope' });
    assert.equal(missing?.model, null);
    assert.equal(missing?.training, null);
    assert.match(missing?.error ?? '', /No model named 'Nope'/);
  });

  it('strict requests refuse a document with errors, naming file, line and column as the CLI does', async () => {
    const lenient = await ask({ uri: badLayer });
    assert.equal(lenient?.training?.nodes[1].shape, null, 'the broken layer travels with no shape');
    const strict = await ask({ uri: broken, strict: true });
    assert.equal(strict?.training, null);
    assert.match(strict?.error ?? '', /^Model '\w+' has 1 error; fix it before training:\n {2}\/train\/broken\.stride:3:\d+: /);
  });

  it('strict requests are model-scoped: an error in another model does not refuse this one', async () => {
    const clean = await ask({ uri: mixed, model: 'A', strict: true });
    assert.equal(clean?.error, null);
    assert.equal(clean?.training?.name, 'A');
    const refused = await ask({ uri: mixed, model: 'B', strict: true });
    assert.equal(refused?.training, null);
    assert.match(refused?.error ?? '', /^Model 'B' has 1 error; fix it before training:\n .*mixed\.stride:10:\d+: Unknown layer 'conv2x'/);
  });
});
