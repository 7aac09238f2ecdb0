// The `$stride` problem matcher in package.json against real `stride check` output: every diagnostic, and nothing else.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');
const FILE = 'examples/diagnostics.stride';

interface Pattern {
  regexp: string;
  file: number;
  line: number;
  column: number;
  severity: number;
  code: number;
  message: number;
}

function matcher(): Pattern {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const found = (manifest.contributes.problemMatchers as { name: string; pattern: Pattern }[]).find((m) => m.name === 'stride');
  assert.ok(found, 'no problem matcher named stride');
  return found.pattern;
}

function check(...args: string[]): string {
  const run = spawnSync(process.execPath, [join(ROOT, 'bin/stride.js'), 'check', ...args, FILE], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(run.status, 1, run.stderr);
  return run.stdout;
}

test('the $stride matcher reads every diagnostic of stride check, with its position, severity, code and message', () => {
  const pattern = matcher();
  const regexp = new RegExp(pattern.regexp);
  const matched = check()
    .split('\n')
    .map((line) => regexp.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({
      file: m[pattern.file],
      line: Number(m[pattern.line]),
      column: Number(m[pattern.column]),
      severity: m[pattern.severity],
      code: m[pattern.code],
      message: m[pattern.message],
    }));
  const json = JSON.parse(check('--json')) as { files: { diagnostics: { code: string; severity: string; message: string; line: number; column: number }[] }[] };
  const expected = json.files[0].diagnostics.map((d) => ({
    file: FILE,
    line: d.line,
    column: d.column,
    severity: d.severity,
    code: d.code,
    message: d.message,
  }));
  assert.ok(expected.some((d) => d.severity === 'warning') && expected.some((d) => d.severity === 'error'));
  // Source lines, carets, notes and fixes that follow each diagnostic are not taken for diagnostics.
  assert.deepEqual(matched, expected);
});
