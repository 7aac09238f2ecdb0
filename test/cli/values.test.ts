// The `stride` CLI on value functions and conditional layers: the summary shows the variant each call chose; type errors are reported.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BIN = path.join(ROOT, 'bin', 'stride.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-cli-values-'));

function stride(name: string, text: string, ...args: string[]) {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  const r = spawnSync(process.execPath, [BIN, ...args, file], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const NET = `fn squeeze(c) {
  max(8, make_divisible(c // 4))
}

block unit(cin, cout, stride) {
  skip = in
  conv2d(cout, 3, stride: stride, padding: same)
  if stride == 1 and cin == cout {
    add(skip)
  } else {
    conv2d(squeeze(cout), 1)
  }
}

model Net {
  input(16, 16, 16)
  unit(16, 16, 1)
  unit(16, 64, 2)
}
`;

test('summary: each block call lowers the branch its arguments choose, with function-computed widths', () => {
  const r = stride('net.stride', NET, 'summary');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /unit_1\/add_1 \(add\)\s+\(None, 16, 16, 16\)/);
  assert.doesNotMatch(r.stdout, /unit_2\/add/);
  // squeeze(64) = max(8, make_divisible(16)) = 16 filters of 1×1 over 64 channels.
  assert.match(r.stdout, /unit_2\/conv2d_3 \(conv2d\)\s+\(None, 8, 8, 16\)\s+1,040/);
});

test('check: a type error in a value is an invalid-expression error with its line and column', () => {
  const r = stride('bad.stride', 'model M {\n  input(4)\n  dense(4 if "yes" else 2)\n}\n', 'check', '--json');
  assert.equal(r.status, 1);
  const json = JSON.parse(r.stdout) as { files: { diagnostics: { code: string; line: number; column: number; message: string }[] }[] };
  assert.deepEqual(
    json.files[0].diagnostics.map((d) => [d.code, d.line, d.column, d.message]),
    [['invalid-expression', 3, 14, 'A condition must be true or false, got "yes".']],
  );
});
