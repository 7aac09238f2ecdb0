// The PyTorch engine against Stride's Node trainer on the same file for what a run starts from: `init:` and
// `--init` (saved weights instead of the seeded ones) and `normalize:` (the inputs' statistics).

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { analyze } from '../../core/analyze';
import { trainingModelFor } from '../../ide/training-model';
import { predict } from '../../train/node/run';
import { modelSource, NO_TORCH, packedSamples, PYTHON, stride, tempDir, writeModel, type Record, trainLogged } from './ddp-harness';

/** A small shapes classifier with extra train-section lines (no batch norm: losses are compared epoch by epoch). */
function source(extra: string, epochs = 3): string {
  return modelSource({ name: 'Net', norm: false, optimizer: 'sgd(lr: 0.05, momentum: 0.9)', count: 120, epochs, batch: 16, validation: 0.25, extra });
}

const losses = (log: readonly Record[]) => log.filter((r) => r.event === 'epoch').map((r) => [r.loss as number, r.valLoss as number]);

function assertSameLosses(torch: number[][], node: number[][]): void {
  assert.equal(torch.length, node.length);
  node.forEach(([loss, val], i) => {
    assert.ok(Math.abs(torch[i][0] - loss) < 1e-4, `epoch ${i + 1}: loss ${torch[i][0]} vs ${loss}`);
    assert.ok(Math.abs(torch[i][1] - val) < 1e-4, `epoch ${i + 1}: val_loss ${torch[i][1]} vs ${val}`);
  });
}

describe('init: and --init on PyTorch', { skip: NO_TORCH }, () => {
  test("the torch run starts from the init weights: every epoch's loss is the Node run's", async () => {
    const dir = tempDir('stride-ddp-init-');
    const base = writeModel(dir, 'base', source('', 2));
    const seeded = losses(await trainLogged(base, path.join(dir, 'base.run'), 'node'));
    const file = writeModel(dir, 'net', source('init: "base.run/weights"', 2));
    const node = losses(await trainLogged(file, path.join(dir, 'node'), 'node'));
    const torch = losses(await trainLogged(file, path.join(dir, 'torch'), 'torch'));
    assert.ok(Math.abs(node[0][0] - seeded[0][0]) > 1e-3, `init: changes the first epoch (${node[0][0]} vs seeded ${seeded[0][0]})`);
    assertSameLosses(torch, node);

    // --init on the command line replaces the section's init: on both engines.
    const again = writeModel(dir, 'plain', source('', 1));
    const nodeCli = losses(await trainLogged(again, path.join(dir, 'node-cli'), 'node', ['--init', path.join(dir, 'node')]));
    const torchCli = losses(await trainLogged(again, path.join(dir, 'torch-cli'), 'torch', ['--init', path.join(dir, 'node')]));
    assert.ok(Math.abs(nodeCli[0][0] - seeded[0][0]) > 1e-3, '--init changes the first epoch');
    assertSameLosses(torchCli, nodeCli);
  });

  test('an unreadable init: folder refuses the project with a one-line error naming it', async () => {
    const dir = tempDir('stride-ddp-init-bad-');
    const file = writeModel(dir, 'net', source('init: "missing/weights"', 1));
    const r = await stride(['train', file, '--out', path.join(dir, 'torch'), '--engine', 'torch', '--python', PYTHON]);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /init: "missing\/weights"/);
    assert.ok(!fs.existsSync(path.join(dir, 'torch', 'weights')), 'no weights were written');
  });
});

describe('normalize: on PyTorch', { skip: NO_TORCH }, () => {
  for (const setting of ['auto', 'stats(mean: [0.3], std: [0.2])']) {
    test(`normalize: ${setting} gives each epoch the Node run's losses, and the weights predict as the Node run's`, async () => {
      const dir = tempDir('stride-ddp-normalize-');
      const file = writeModel(dir, 'net', source(`normalize: ${setting}`));
      const node = losses(await trainLogged(file, path.join(dir, 'node'), 'node'));
      const torch = losses(await trainLogged(file, path.join(dir, 'torch'), 'torch', ['--nproc', '2']));
      assertSameLosses(torch, node);
      const meta = (run: string) => JSON.parse(fs.readFileSync(path.join(dir, run, 'weights', 'model.json'), 'utf8')) as object;
      const stats = (m: object) => JSON.stringify(m).match(/"normalization":\{[^}]*\}/)?.[0];
      assert.ok(stats(meta('node')), 'the Node run saves its statistics');
      assert.equal(stats(meta('torch')), stats(meta('node')));

      const samples = packedSamples(path.join(dir, 'torch', 'torch'), 6);
      const model = trainingModelFor(analyze(fs.readFileSync(file, 'utf8')), {}, file);
      assert.ok(model.ok);
      const run = async (w: string) => (await predict({ model: model.value, weightsDir: path.join(dir, w, 'weights'), samples, topK: 4 })).map((s) => s.top);
      const [t, n] = [await run('torch'), await run('node')];
      t.forEach((top, i) =>
        top.forEach((p, k) => assert.ok(Math.abs(p.probability - n[i][k].probability) < 1e-3, `sample ${i}: ${p.probability} vs ${n[i][k].probability}`)),
      );
    });
  }

  test("normalize: auto with --limit: the statistics of the limited training split, as the Node run's", async () => {
    const dir = tempDir('stride-ddp-normalize-limit-');
    const file = writeModel(dir, 'net', source('normalize: auto', 2));
    const node = losses(await trainLogged(file, path.join(dir, 'node'), 'node', ['--limit', '64']));
    const torch = losses(await trainLogged(file, path.join(dir, 'torch'), 'torch', ['--limit', '64']));
    assertSameLosses(torch, node);
    const stats = (run: string) => fs.readFileSync(path.join(dir, run, 'weights', 'model.json'), 'utf8').match(/"normalization":\{[^}]*\}/)?.[0];
    assert.ok(stats('node'));
    assert.equal(stats('torch'), stats('node'));
    await trainLogged(file, path.join(dir, 'whole'), 'node');
    assert.notEqual(stats('whole'), stats('node'), 'the limit changes the statistics, so the test can tell');
  });
});
