// The CLI as a real process on analysis bombs: check and summary exit 1 with the too-large diagnostic, never 70.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BIN = path.join(ROOT, 'bin', 'stride.js');
const fixture = (name: string) => path.join(ROOT, 'test', 'fixtures', 'limits', name);

const stride = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000 });

const bombs: [string, RegExp][] = [
  ['call-chain-1000.stride', /error\[too-large\]: Block calls nest 65 deep .*the limit is 64/],
  ['nested-repeat-400.stride', /error\[too-large\]: Block calls nest 65 deep .*the limit is 64/],
  ['repeat-100000000.stride', /error\[too-large\]: A repetition count of 100,000,000 is over the limit: a model expands to at most 100,000 layers\./],
];

for (const [name, expected] of bombs) {
  for (const command of ['check', 'summary']) {
    test(`${command} ${name} exits 1 with the too-large diagnostic`, () => {
      const r = stride([command, fixture(name)]);
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stdout + r.stderr, expected);
      assert.doesNotMatch(r.stdout + r.stderr, /internal error|RangeError/);
    });
  }
}

for (const name of ['repeat-40000-block.stride', 'nested-repeat-16.stride']) {
  test(`check ${name} passes: a large but bounded expansion is a valid model`, () => {
    const r = stride(['check', fixture(name)]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /1 file checked: 0 errors/);
  });
}
