// `stride train --engine torch` with real PyTorch: torchrun with two gloo processes, weights back into Stride with the
// same class probabilities as the PyTorch model, and resuming a killed run from its checkpoint.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { analyze } from '../../core/analyze';
import { trainingModelFor } from '../../ide/training-model';
import { predict } from '../../train/node/run';
import { killAfterFirstEpoch, modelSource, NO_TORCH, packedSamples, PYTHON, readLog, stride, tempDir, writeModel, type Record } from './ddp-harness';

/** The exported PyTorch module with weights.safetensors loaded, in eval mode, on the project's first packed images. */
function torchProbabilities(project: string, count: number): number[][] {
  const script = `
import json, sys, torch
sys.path.insert(0, sys.argv[1])
import model, train
config = json.load(open(sys.argv[1] + "/stride.json"))
net = getattr(model, config["className"])()
state, _ = train.read_safetensors(sys.argv[1] + "/weights.safetensors")
net.load_state_dict(state, strict=True)
net.eval()
x, _ = train.load_data(config, int(sys.argv[2]))
with torch.no_grad():
    print(json.dumps(net(x).tolist()))
`;
  const r = spawnSync(PYTHON, ['-c', script, project, String(count)], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as number[][];
}

const epochs = (log: Record[]) => log.filter((r) => r.event === 'epoch') as unknown as { epoch: number; loss: number }[];

describe('stride train --engine torch', { skip: NO_TORCH }, () => {
  test('torchrun with two processes: loss falls, rank 0 logs, weights come back and predict as PyTorch does', async () => {
    const dir = tempDir('stride-ddp-');
    const file = writeModel(dir, 'net', modelSource({ name: 'Net', norm: true, optimizer: 'sgd(lr: 0.1, momentum: 0.9)', count: 480, epochs: 2 }));
    const r = await stride(['train', file, '--engine', 'torch', '--nproc', '2', '--python', PYTHON]);
    assert.equal(r.status, 0, r.stderr);
    const run = path.join(dir, 'net.runs', 'Net');
    const log = readLog(path.join(run, 'metrics.jsonl'));
    assert.deepEqual(
      log.map((e) => e.event),
      ['start', 'epoch', 'epoch', 'end'],
    );
    assert.match(String(log[0].backend), /2 × gloo/);
    const [e1, e2] = epochs(log);
    assert.ok(e2.loss < e1.loss, `loss ${e1.loss} → ${e2.loss}`);
    assert.equal(log[3].status, 'completed');
    assert.equal(log[3].weightsDir, path.join(run, 'weights'));
    assert.match(r.stderr, /epoch 2\/2: loss/);
    assert.match(r.stdout, /Finished: Net/);

    const project = path.join(run, 'torch');
    const samples = packedSamples(project, 6);
    const model = trainingModelFor(analyze(fs.readFileSync(file, 'utf8')), {}, file);
    assert.ok(model.ok);
    const stridePredictions = await predict({ model: model.value, weightsDir: run, samples, topK: 4 });
    const expected = torchProbabilities(project, 6);
    stridePredictions.forEach((p, i) => {
      for (const t of p.top)
        assert.ok(Math.abs(t.probability - expected[i][t.index]) <= 1e-4, `sample ${i}, class ${t.index}: ${t.probability} vs ${expected[i][t.index]}`);
    });
    // And through the command itself, with the run folder found by the usual rule.
    assert.equal((await stride(['data', 'export', 'shapes', path.join(dir, 'pics'), '--count', '4', '--size', '16,16,1'])).status, 0);
    const shown = await stride(['predict', file, path.join(dir, 'pics', 'train', 'circle', '0.png')]);
    assert.equal(shown.status, 0, shown.stderr);
    assert.match(shown.stdout, /(circle|square|triangle|cross) \d+\.\d%/);
  });
});

describe('stride train --engine torch --resume', { skip: NO_TORCH || (!fs.existsSync('/proc/self/cmdline') && 'needs /proc') }, () => {
  test('a run killed during an epoch resumes from the last checkpoint and continues its epochs', async () => {
    const dir = tempDir('stride-ddp-resume-');
    const source = modelSource({ name: 'Net', norm: false, optimizer: 'adam(lr: 0.003)', count: 2400, epochs: 4 });
    const file = writeModel(dir, 'net', source);
    const reference = await stride(['train', file, '--engine', 'torch', '--python', PYTHON, '--out', path.join(dir, 'reference')]);
    assert.equal(reference.status, 0, reference.stderr);
    const whole = epochs(readLog(path.join(dir, 'reference', 'metrics.jsonl')));

    const out = path.join(dir, 'killed');
    const seen = await killAfterFirstEpoch(file, out);
    assert.ok(seen >= 1 && seen < 4, `killed after ${seen} epochs`);
    assert.ok(!fs.existsSync(path.join(out, 'weights')), 'a killed run brings no weights back');
    const resumed = await stride(['train', file, '--engine', 'torch', '--python', PYTHON, '--out', out, '--resume']);
    assert.equal(resumed.status, 0, resumed.stderr);
    const log = readLog(path.join(out, 'metrics.jsonl'));
    const start = log.filter((r) => r.event === 'start').at(-1)!;
    assert.equal(start.resumedFrom, seen);
    const after = epochs(log.slice(log.indexOf(start)));
    assert.deepEqual(
      after.map((e) => e.epoch),
      Array.from({ length: 4 - seen }, (_, i) => seen + 1 + i),
    );
    // The same epochs as the uninterrupted run: a fresh start would begin near the first epoch's loss instead.
    for (const e of after) assert.ok(Math.abs(e.loss - whole[e.epoch - 1].loss) < 1e-3, `epoch ${e.epoch}: ${e.loss} vs ${whole[e.epoch - 1].loss}`);
    assert.ok(Math.abs(after[0].loss - whole[0].loss) > 1e-2, 'resumed training differs from a fresh start');
    assert.ok(fs.existsSync(path.join(out, 'weights', 'model.json')));
  });
});
