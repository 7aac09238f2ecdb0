// `stride train --resume` as real processes: a run killed mid-way (SIGKILL, no chance to clean up) resumes from its
// last checkpoint and ends with the metrics and weights of a run that was never interrupted.

import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BIN = path.join(ROOT, 'bin', 'stride.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-resume-cli-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const MODEL = `model Tiny {
  input(16, 16, 1)
  conv2d(4, 3, activation: relu)
  maxpool2d(2)
  flatten()
  dense(4, activation: softmax)
}
train Tiny { data: shapes(count: 480)  optimizer: sgd(lr: 0.05, momentum: 0.9)  schedule: cosine  epochs: 4  batch: 16  validation: 0.2  seed: 11 }
`;
const file = path.join(dir, 'tiny.stride');
fs.writeFileSync(file, MODEL);
const env = { ...process.env, NO_COLOR: '1' };

function train(out: string, ...extra: string[]) {
  return spawnSync(process.execPath, [BIN, 'train', file, '--backend', 'cpu', '--out', out, ...extra], { encoding: 'utf8', env });
}

/** Starts a run and kills it with SIGKILL as soon as its second epoch line appears (the first epoch's checkpoint is on disk by then). */
function killedAfterSecondEpoch(out: string): Promise<void> {
  const child = spawn(process.execPath, [BIN, 'train', file, '--backend', 'cpu', '--out', out], { env });
  let seen = '';
  child.stderr.on('data', (d: Buffer) => {
    seen += d.toString();
    if (/^epoch 2\/4:/m.test(seen)) child.kill('SIGKILL');
  });
  return new Promise((resolve, reject) =>
    child.on('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`the run was not killed:\n${seen}`)))),
  );
}

/** metrics.csv without the timing columns. */
function csvValues(out: string): string[][] {
  const [head, ...rows] = fs.readFileSync(path.join(out, 'metrics.csv'), 'utf8').trim().split('\n');
  const keep = head.split(',').map((c) => !['seconds', 'samples_per_second'].includes(c));
  return [head, ...rows].map((l) => l.split(',').filter((_, i) => keep[i]));
}

test('a killed run resumed with --resume ends as the uninterrupted run', async () => {
  const straight = path.join(dir, 'straight');
  const r = train(straight);
  assert.equal(r.status, 0, r.stderr);
  const out = path.join(dir, 'killed');
  await killedAfterSecondEpoch(out);
  assert.ok(fs.existsSync(path.join(out, 'checkpoint', 'checkpoint.json')), 'the finished epochs left a checkpoint');
  const resumed = train(out, '--resume');
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.match(resumed.stderr, /^epoch 4\/4: /m);
  assert.match(resumed.stdout, /Final evaluation after 4 epochs/);
  assert.deepEqual(csvValues(out), csvValues(straight));
  assert.equal(csvValues(out).length, 5);
  const weights = (d: string) => fs.readFileSync(path.join(d, 'weights', 'weights.bin'));
  assert.ok(weights(out).equals(weights(straight)), 'the final weights are bit for bit equal');
  const events = fs
    .readFileSync(path.join(out, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l).event as string);
  assert.ok(events.includes('resume'));
});

test('--resume refuses clearly when there is nothing to resume or the settings changed', () => {
  const none = train(path.join(dir, 'nothing'), '--resume');
  assert.equal(none.status, 2);
  assert.match(none.stderr, /nothing to resume: '.*nothing' does not exist; train without --resume first/);
  const changed = train(path.join(dir, 'straight'), '--resume', '--epochs', '5');
  assert.equal(changed.status, 2);
  assert.match(changed.stderr, /Cannot resume the run in '.*straight': settings changed since the checkpoint was saved: epochs 4 → 5/);
  const done = train(path.join(dir, 'straight'), '--resume');
  assert.equal(done.status, 2);
  assert.match(done.stderr, /Nothing to resume: the checkpoint in '.*' already holds all 4 epochs/);
});
