// Diagnostics are model-scoped: an error in one model (or in a block only it uses) does not stop another model of the
// same file from training, exporting or being summarised, and an unknown --model says which models exist.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { analyze } from '../../core/analyze';
import { modelErrors } from '../../ide/model-diagnostics';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BIN = path.join(ROOT, 'bin', 'stride.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-scope-'));

const FILE = `fn width(c) { c * 2 }
fn broken(c) { c + nope }
block good(c) {
  conv2d(width(c), 3, padding: same, activation: relu)
}
block bad(c) {
  conv2d(c, 3, paddin: same)
}
model Small {
  input(16, 16, 1)
  good(2)
  flatten()
  dense(4, activation: softmax)
}
model Broken {
  input(16, 16, 1)
  bad(4)
  dense(broken(2))
  conv2x(3)
}
train Small { data: shapes  epochs: 1  batch: 16  validation: 0 }
train Broken { data: shapes  epochs: 0 }
`;

function stride(...args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
}

const file = path.join(dir, 'two.stride');
fs.writeFileSync(file, FILE);

test('errors are attributed to the model, its train section and the blocks and functions it uses', () => {
  const analysis = analyze(FILE);
  const line = (offset: number) => FILE.slice(0, offset).split('\n').length;
  assert.deepEqual(modelErrors(analysis, 'Small'), []);
  const broken = modelErrors(analysis, 'Broken').map((d) => line(d.span.start));
  // fn broken (2), block bad (7), the model's unknown layer (19) and its train section (22).
  for (const expected of [2, 7, 19, 22]) assert.ok(broken.includes(expected), `line ${expected} in ${broken.join(', ')}`);
  // Stray text outside any declaration concerns every model.
  assert.ok(modelErrors(analyze(FILE + '\n)))\n'), 'Small').length > 0);
});

test('train, summary, export and plot of the clean model work beside a broken one', () => {
  const summary = stride('summary', file, '--model', 'Small');
  assert.equal(summary.status, 0, summary.stderr);
  assert.equal(summary.stderr, '', 'no diagnostics of the other model');
  const exported = stride('export', file, '--model', 'Small', '--format', 'json');
  assert.equal(exported.status, 0, exported.stderr);
  const plot = stride('plot', file, '--model', 'Small', '--format', 'dot', '--out', '-');
  assert.equal(plot.status, 0, plot.stderr);
  const train = stride('train', file, '--model', 'Small', '--limit', '32', '--out', path.join(dir, 'run'));
  assert.equal(train.status, 0, train.stderr);
  assert.match(train.stdout, /^Finished: Small/m);
});

test('the broken model is refused with its own errors, and an unknown model lists the models', () => {
  const train = stride('train', file, '--model', 'Broken', '--out', path.join(dir, 'run2'));
  assert.equal(train.status, 2);
  assert.match(train.stderr, /Model 'Broken' has \d+ errors; fix them before training:/);
  assert.ok(!fs.existsSync(path.join(dir, 'run2')), 'no run folder for a refused run');
  const exported = stride('export', file, '--model', 'Broken', '--format', 'json');
  assert.equal(exported.status, 2);
  assert.match(exported.stderr, /model 'Broken' has errors/);
  for (const command of ['train', 'summary', 'export', 'plot']) {
    const nope = stride(command, file, '--model', 'Nope');
    assert.equal(nope.status, 2, `${command}: ${nope.stderr}`);
    assert.match(nope.stderr, /No model named 'Nope'; models in .*two\.stride: Small, Broken\n/, command);
    const typo = stride(command, file, '--model', 'Smal');
    assert.match(typo.stderr, /No model named 'Smal'; models in .*two\.stride: Small, Broken \(did you mean Small\?\)/, command);
  }
});
